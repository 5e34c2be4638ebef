"""Work-programme (РПД) vocabulary: знать / уметь / владеть keys and headings in ru, kk, uz."""

from __future__ import annotations

import re
import unicodedata

from outcome_matcher.schemas import OutcomeKind

# Normalised spellings (see normalise_key) of the outcome headings and YAML keys, by kind.
# Russian infinitives and nouns (Знания / Умения / Навыки), Kazakh infinitives and their
# third-person forms (білуі, істей алуы, меңгеруі), Uzbek Latin and Cyrillic, both the
# "student must ..." forms (bilishi) and the verbal nouns (bilish).
KIND_WORDS: dict[OutcomeKind, tuple[str, ...]] = {
    "knowledge": (
        "знать", "знания", "знание", "знает",
        "білу", "білуі", "білімі", "білім",
        "bilishi", "bilish", "bilimlar", "билиши", "билиш", "билимлар",
    ),
    "skill": (
        "уметь", "умения", "умение", "умеет",
        "істей білу", "істей білуі", "істей алу", "істей алуы", "іскерлік", "білік",
        "bajara olishi", "bajara olish", "qila olishi", "qila olish", "ko'nikmalar",
        "бажара олиши", "бажара олиш", "қила олиши", "қила олиш", "кўникмалар",
    ),
    "mastery": (
        "владеть", "навыки", "навык", "владение", "владения", "владеет",
        "меңгеру", "меңгеруі", "дағды", "дағдылар",
        "ko'nikmaga ega bo'lishi", "ko'nikmalarga ega bo'lishi", "malakaga ega bo'lishi",
        "ko'nikmaga ega bo'lish", "малакага эга бўлиши", "кўникмага эга бўлиши",
        "кўникмаларга эга бўлиши", "egallashi", "эгаллаши",
    ),
}  # fmt: skip

_APOSTROPHES = re.compile(r"[‘’ʻʼ`´]")


def normalise_key(text: str) -> str:
    """Lower case, one space, ё as е and one apostrophe, so spellings of a key compare equal."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    return " ".join(_APOSTROPHES.sub("'", text).split())


KIND_OF: dict[str, OutcomeKind] = {
    word: kind for kind, words in KIND_WORDS.items() for word in words
}

# Longest first, so "істей білу" wins over "білу" and "ko'nikmaga ega bo'lishi" over parts.
_ALTERNATIVES = "|".join(
    re.escape(w).replace(r"\ ", r"\s+").replace("'", "['‘’ʻʼ`´]")
    for w in sorted(KIND_OF, key=len, reverse=True)
)
# A heading inside running text: "Знать:", "уметь -", "Студент должен владеть:".
INLINE_HEADING = re.compile(
    rf"(?<![\w'‘’ʻʼ`´])({_ALTERNATIVES})(?:\s*[:：]|\s+[\-–—](?=\s))\s*", re.IGNORECASE
)
# A paragraph that is a heading alone: "Знания", "Умения.", "3) Навыки:".
ALONE_HEADING = re.compile(
    rf"^\s*(?:\d{{1,2}}[.)]\s*)?({_ALTERNATIVES})\s*[:：.]?\s*$", re.IGNORECASE
)


def kind_of(word: str) -> OutcomeKind | None:
    """The kind a heading word or YAML key names, if any."""
    return KIND_OF.get(normalise_key(word))


def split_by_headings(text: str) -> tuple[str, list[tuple[OutcomeKind, str]]]:
    """Text before the first inline heading, and (kind, text) after each heading."""
    found = list(INLINE_HEADING.finditer(text))
    if not found:
        return text, []
    parts = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        kind = kind_of(match.group(1))
        if kind is not None:
            parts.append((kind, text[match.end() : end]))
    return text[: found[0].start()], parts


# Keys of a YAML work programme other than the outcomes, normalised.
TITLE_KEYS = ("названия", "название", "наименование", "дисциплина", "атауы", "nomi", "номи")
AIM_KEYS = ("цель", "цели", "мақсаты", "мақсат", "maqsadi", "maqsad", "мақсади")
CREDIT_KEYS = (
    "зачетные единицы", "зачетных единиц", "зет", "з.е", "кредиты", "кредит", "кредиттер",
    "kredit", "kreditlar", "credits",
)  # fmt: skip
CODE_KEYS = ("код", "шифр", "коды", "kod", "code")
LANG_KEYS = ("язык", "lang")

CREDITS_IN_TEXT = re.compile(
    r"(?<![\d.,])(\d{1,2}(?:[.,]\d)?)\s*(?:\(\s*[^\d()]{1,20}\s*\)\s*)?"
    r"(?:з\.\s*е\.?|зачетн\w*\s+единиц\w*|зачётн\w*\s+единиц\w*|ЗЕТ|кредит\w*|kredit\w*)",
    re.IGNORECASE,
)
