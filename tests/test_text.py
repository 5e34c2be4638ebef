"""Tests for outcome segmentation, language and script detection and Bloom levels."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from outcome_matcher.text import bloom_level, detect_language, detect_script, segment_outcomes
from outcome_matcher.text.leadins import strip_lead_in


@pytest.fixture(scope="session")
def blank_xx() -> Language:
    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


SEGMENT_CASES = [
    (
        "On completion of the module the student is able to: 1) design a relational database;"
        " 2) write SQL queries, including joins and subqueries; 3) evaluate query performance.",
        ["design a relational database", "write SQL queries, including joins and subqueries",
         "evaluate query performance"],
    ),
    (
        "Students will be able to\n• analyse user requirements;\n• design a web application.\n",
        ["analyse user requirements", "design a web application"],
    ),
    (
        "Upon successful completion of this module, learners can\n1. describe the OSI model\n"
        "2. configure a router\n  a) explain TCP/IP\n- test a network\n* document it",
        ["describe the OSI model", "configure a router", "explain TCP/IP", "test a network",
         "document it"],
    ),
    (
        "По окончании курса студент должен уметь: анализировать требования; проектировать базы"
        " данных; писать SQL-запросы.",
        ["анализировать требования", "проектировать базы данных", "писать SQL-запросы"],
    ),
    (
        "Студент будет способен разрабатывать веб-приложения.",
        ["разрабатывать веб-приложения"],
    ),
    (
        "Курсты аяқтағаннан кейін білім алушы: деректер базасын жобалайды; SQL сұрауларын жазады.",
        ["деректер базасын жобалайды", "SQL сұрауларын жазады"],
    ),
    (
        "Kursni tugatgandan so'ng talaba: ma'lumotlar bazasini loyihalaydi; SQL so'rovlarini"
        " yozadi.",
        ["ma'lumotlar bazasini loyihalaydi", "SQL so'rovlarini yozadi"],
    ),
    (
        "Курсни тугатгандан сўнг талаба: маълумотлар базасини лойиҳалайди; SQL сўровларини ёзади.",
        ["маълумотлар базасини лойиҳалайди", "SQL сўровларини ёзади"],
    ),
    (
        "Aine läbinud üliõpilane:\n- analüüsib kasutajate vajadusi;\n- kavandab andmebaasi.",
        ["analüüsib kasutajate vajadusi", "kavandab andmebaasi"],
    ),
    (
        "Mooduli läbinud üliõpilane analüüsib kasutajate vajadusi ja kavandab andmebaasi.",
        ["analüüsib kasutajate vajadusi ja kavandab andmebaasi"],
    ),
    (
        "À l'issue de ce module, l'étudiant sera capable de : concevoir une base de données ;"
        " écrire des requêtes SQL.",
        ["concevoir une base de données", "écrire des requêtes SQL"],
    ),
    (
        "Al termine del corso lo studente sarà in grado di: progettare una base di dati;"
        " scrivere query SQL.",
        ["progettare una base di dati", "scrivere query SQL"],
    ),
    (
        "Nach erfolgreichem Abschluss des Moduls können die Studierenden: Datenbanken entwerfen;"
        " SQL-Abfragen schreiben.",
        ["Datenbanken entwerfen", "SQL-Abfragen schreiben"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("block", "expected"), SEGMENT_CASES)
def test_segment_blocks_in_every_language(
    block: str, expected: list[str], blank_xx: Language
) -> None:
    assert segment_outcomes(block, nlp=blank_xx) == expected


def test_segment_splits_sentences_and_keeps_inner_punctuation(blank_xx: Language) -> None:
    block = (
        "Identifies common vulnerabilities (OWASP Top 10) and applies secure coding. "
        "Uses tools (e.g. Git; Jira) for teamwork. Knows data types; operators; loops."
    )
    assert segment_outcomes(block, nlp=blank_xx) == [
        "Identifies common vulnerabilities (OWASP Top 10) and applies secure coding",
        "Uses tools (e.g. Git; Jira) for teamwork",
        "Knows data types; operators; loops",
    ]


def test_segment_keeps_abbreviations_inside_statements(blank_xx: Language) -> None:
    block = "Пишет SQL-запросы, т. е. выборки. Schreibt Tests, z.B. Unit-Tests. Testet Code."
    assert segment_outcomes(block, nlp=blank_xx) == [
        "Пишет SQL-запросы, т. е. выборки",
        "Schreibt Tests, z.B. Unit-Tests",
        "Testet Code",
    ]


def test_segment_drops_trivial_fragments_and_strips_consistently(blank_xx: Language) -> None:
    block = "1) design a database;\n2) -\n3) ok\n\n4) test it, and\n5) ."
    assert segment_outcomes(block, nlp=blank_xx) == ["design a database", "test it"]
    assert segment_outcomes("   \n ", nlp=blank_xx) == []


def test_segment_loads_spacy_pipelines_for_blank_languages() -> None:
    # et has a spaCy class (blank + sentencizer); kk has none and falls back to "xx".
    assert segment_outcomes("Kavandab andmebaasi. Testib tarkvara.", "et") == [
        "Kavandab andmebaasi",
        "Testib tarkvara",
    ]
    assert segment_outcomes("Деректерді талдайды. Жүйені жобалайды.", "kk") == [
        "Деректерді талдайды",
        "Жүйені жобалайды",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Students will be able to design databases", "design databases"),
        ("The student is able to: write code", "write code"),
        ("Die Studierenden können Datenbanken entwerfen", "Datenbanken entwerfen"),
        ("Студент будет способен анализировать данные", "анализировать данные"),
        ("Designs systems that students can use", "Designs systems that students can use"),
    ],
)
def test_strip_lead_in(text: str, expected: str) -> None:
    assert strip_lead_in(text) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The student designs a relational database and writes SQL queries.", "en"),
        ("Студент анализирует требования пользователей и проектирует базу данных.", "ru"),
        ("Білім алушы деректер базасын жобалайды және SQL сұрауларын жазады.", "kk"),
        ("Талаба маълумотлар базасини лойиҳалайди ва SQL сўровларини ёзади.", "uz"),
        ("Talaba maʼlumotlar bazasini loyihalaydi va SQL so‘rovlarini yozadi.", "uz"),
        ("Analüüsib kasutajate vajadusi ja kavandab relatsioonilise andmebaasi.", "et"),
        ("L'étudiant analyse les besoins des utilisateurs et conçoit une base de données.", "fr"),
        ("Lo studente analizza i requisiti degli utenti e progetta una base di dati.", "it"),
        ("Die Studierenden analysieren Anforderungen und entwerfen eine Datenbank.", "de"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_kazakh_vs_russian_and_uzbek_scripts() -> None:
    assert detect_language("Студент проектирует базы данных") == "ru"
    assert detect_language("Білім алушы деректер қорын құрады") == "kk"
    assert detect_script("Talaba ma'lumotlar bazasini loyihalaydi") == "Latn"
    assert detect_script("Талаба маълумотлар базасини лойиҳалайди") == "Cyrl"


def test_detect_language_returns_none_when_too_short() -> None:
    assert detect_language("SQL") is None
    assert detect_language("  12 345 ") is None
    assert detect_script("12 345") is None


@pytest.mark.parametrize(
    ("text", "lang", "level"),
    [
        ("Defines the main concepts of databases", "en", 1),
        ("Explains the principles of object-oriented programming", "en", 2),
        ("Applies common software design patterns", "en", 3),
        ("analyzes user requirements", None, 4),
        ("Evaluates the security risks of a system", "en", 5),
        ("Designs a relational database", "en", 6),
        ("Студент анализирует требования", "ru", 4),
        ("оценивает риски проекта", "ru", 5),
        ("Деректер базасын жобалайды", "kk", 6),
        ("Maʼlumotlar bazasini loyihalaydi", "uz", 6),
        ("Маълумотларни таҳлил қилади", "uz", 4),
        ("Analüüsib kasutajate vajadusi", "et", 4),
        ("tunneb tänapäevast õppeprotsessi", "et", 1),
        ("L'étudiant conçoit une base de données", "fr", 6),
        ("Lo studente valuta le soluzioni", "it", 5),
        ("Die Studierenden entwerfen eine Datenbank", "de", 6),
    ],
)
def test_bloom_level_from_verbs(text: str, lang: str | None, level: int) -> None:
    estimate = bloom_level(text, lang)
    assert estimate.level == level
    assert sum(estimate.probabilities) == pytest.approx(1.0)
    assert estimate.verbs


def test_bloom_level_shares_mass_between_levels_and_none_without_verb() -> None:
    shared = bloom_level("describes the architecture", "en")
    assert shared.probabilities[0] == pytest.approx(0.5)
    assert shared.probabilities[1] == pytest.approx(0.5)
    assert shared.level == 2  # ties go to the higher level
    none = bloom_level("relational databases", "en")
    assert none.level is None
    assert none.label is None
    assert none.probabilities == pytest.approx((1 / 6,) * 6)


def test_bloom_ignores_agent_nouns() -> None:
    # "kasutajate" (of users) shares the stem of "kasutama" (to use) but is a noun.
    assert bloom_level("kasutajate vajadused", "et").level is None
    assert bloom_level("пайдаланушылардың талаптарын талдайды", "kk").level == 4
    assert bloom_level("foydalanuvchi talablarini tahlil qiladi", "uz").level == 4
