"""Work programmes (знать / уметь / владеть): NEFU YAML courses, DOCX, kk/uz, store, bad input."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
import yaml

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.errors import InputError
from outcome_matcher.schemas import Catalogue, Module, normalise_text
from outcome_matcher.store import ImportCounts, Store

ROOT = Path(__file__).resolve().parents[1]
NEFU = ROOT / "corpora" / "ru_courses_nefu"
SAMPLES = ROOT / "corpora" / "samples"
KINDS = {"знать": "knowledge", "уметь": "skill", "владеть": "mastery"}


def expected_kinds(path: Path) -> Counter[str]:
    """Outcomes per kind read straight from a course file: its non-blank, distinct items."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for key, kind in KINDS.items():
        for item in data.get(key) or []:
            text = normalise_text(item.strip().rstrip(";.").strip())
            if text and text not in seen:
                seen.add(text)
                counts[kind] += 1
    return counts


def kinds_of(module: Module) -> Counter[str]:
    return Counter(str(o.kind) for o in module.outcomes)


@pytest.fixture(scope="module")
def nefu() -> Catalogue:
    return load_catalogue(NEFU)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open("sqlite:///" + str(tmp_path / "store.db"), migrate=True) as s:
        yield s


def test_nefu_folder_is_one_programme_with_kinds_per_course(nefu: Catalogue) -> None:
    files = sorted(NEFU.glob("*.yaml"))
    files = [f for f in files if f.name != "programme.yaml"]
    assert len(files) == 13
    assert (nefu.name, nefu.version) == ("NEFU IT courses", "2023")
    [programme] = nefu.programmes
    assert (programme.code, programme.title, programme.lang) == (
        "NEFU-IT",
        "Информационные технологии (СВФУ)",
        "ru",
    )
    assert [m.code for m in programme.modules] == [f.stem for f in files]
    total: Counter[str] = Counter()
    for module, file in zip(programme.modules, files, strict=True):
        assert kinds_of(module) == expected_kinds(file), file.name
        assert module.description, file.name  # from цель or цели
        total += kinds_of(module)
    assert total == Counter(knowledge=44, skill=60, mastery=21)  # as SOURCE.md states


def test_nefu_titles_and_clean_statements(nefu: Catalogue) -> None:
    modules = {m.code: m for m in nefu.programmes[0].modules}
    assert modules["os"].title == "Операционные системы"
    assert modules["rpd_example"].title == "Серверное применение linux / администрирование linux"
    texts = [o.text for m in modules.values() for o in m.outcomes]
    assert "назначение каталогов по стандарту FHS" in texts
    assert not [t for t in texts if t.endswith((";", ".", ",")) or not t.strip()]
    langs = Counter(o.lang for m in modules.values() for o in m.outcomes)
    assert langs["ru"] >= 120


def test_store_keeps_kinds_and_reimport_is_idempotent(nefu: Catalogue, store: Store) -> None:
    first = store.add_catalogue(nefu)
    assert first.outcomes == ImportCounts(added=125)
    stored = store.get_programme("NEFU-IT")
    loaded = nefu.programmes[0]
    assert [m.outcomes for m in stored.modules] == [m.outcomes for m in loaded.modules]
    again = store.add_catalogue(load_catalogue(NEFU))
    assert again.outcomes == ImportCounts(unchanged=125)
    assert again.modules == ImportCounts(unchanged=13)


def test_a_kind_change_is_an_update_with_the_same_id(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "nefu"
    folder.mkdir()
    shutil.copy(NEFU / "programme.yaml", folder)
    course = folder / "os.yaml"
    shutil.copy(NEFU / "os.yaml", course)
    before = load_catalogue(folder)
    store.add_catalogue(before)
    # The one знать item becomes the first уметь item: same text, same position, new kind.
    text = course.read_text(encoding="utf-8").replace("знать:\n  - ", "уметь:\n  - ", 1)
    course.write_text(text.replace(";\n\nуметь:\n", ";\n", 1), encoding="utf-8")
    after = load_catalogue(folder)
    assert [o.id for o in after.programmes[0].modules[0].outcomes] == [
        o.id for o in before.programmes[0].modules[0].outcomes
    ]
    result = store.add_catalogue(after)
    assert result.outcomes == ImportCounts(updated=1, unchanged=4)
    kinds = kinds_of(store.get_programme("NEFU-IT").modules[0])
    assert kinds == Counter(skill=4, mastery=1)


def test_docx_paragraph_headings(tmp_path: Path) -> None:
    [programme] = load_catalogue(SAMPLES / "rpd_databases_ru.docx").programmes
    [module] = programme.modules
    assert (module.title, module.credits) == ("Базы данных", 4.0)
    assert module.description and module.description.startswith("сформировать")
    assert kinds_of(module) == Counter(knowledge=3, skill=3, mastery=2)
    texts = [o.text for o in module.outcomes]
    assert texts[0] == "основные модели данных и принципы построения реляционных баз данных"
    assert not [t for t in texts if "должен" in t or "Тема" in t]


def test_docx_table_with_outcome_columns() -> None:
    [module] = load_catalogue(SAMPLES / "rpd_networks_ru.docx").programmes[0].modules
    assert (module.title, module.credits) == ("Компьютерные сети", 3.0)
    assert [(o.kind, o.text) for o in module.outcomes] == [
        ("knowledge", "основы стека протоколов TCP/IP"),
        ("knowledge", "принципы маршрутизации и коммутации"),
        ("skill", "настраивать IP-адресацию и маршрутизацию"),
        ("skill", "диагностировать неисправности сети"),
        ("mastery", "работы с сетевым оборудованием через командную строку"),
    ]


def write_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(str(path))
    return path


def outcomes(catalogue: Catalogue) -> list[tuple[str | None, str]]:
    return [(o.kind, o.text) for m in catalogue.programmes[0].modules for o in m.outcomes]


def test_docx_inline_and_row_headings_in_a_table(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "rpd.docx",
        [
            "Рабочая программа дисциплины «Сети ЭВМ»",
            "Студент должен знать: модель OSI; стек TCP/IP.",
        ],
        [
            ["ОПК-1", "Знает: адресацию IPv4. Умеет: настраивать VLAN. Владеет: работой с CLI."],
            ["Уметь", "настраивать маршрутизатор;\nдиагностировать сеть"],
        ],
    )
    catalogue = load_catalogue(path)
    assert catalogue.programmes[0].modules[0].title == "Сети ЭВМ"
    assert outcomes(catalogue) == [
        ("knowledge", "модель OSI"),
        ("knowledge", "стек TCP/IP"),
        ("knowledge", "адресацию IPv4"),
        ("skill", "настраивать VLAN"),
        ("mastery", "работой с CLI"),
        ("skill", "настраивать маршрутизатор"),
        ("skill", "диагностировать сеть"),
    ]


def test_docx_table_header_row_beside_a_code_column(tmp_path: Path) -> None:
    table = [
        ["Код компетенции", "Знать", "Уметь", "Владеть"],
        ["ПК-1", "основы SQL", "писать запросы", "навыками работы с СУБД"],
        ["ПК-2", "модели данных", "", "методами проектирования"],
    ]
    catalogue = load_catalogue(write_docx(tmp_path / "t.docx", ["Дисциплина: Базы"], table))
    assert catalogue.programmes[0].modules[0].title == "Базы"
    assert outcomes(catalogue) == [
        ("knowledge", "основы SQL"),
        ("skill", "писать запросы"),
        ("mastery", "навыками работы с СУБД"),
        ("knowledge", "модели данных"),
        ("mastery", "методами проектирования"),
    ]


@pytest.mark.parametrize(
    ("headings", "lang"),
    [
        (("Білуі:", "Істей алуы:", "Меңгеруі:"), "kk"),
        (("Bilishi:", "Bajara olishi:", "Ko‘nikmaga ega bo‘lishi:"), "uz"),
        (("Билиши:", "Бажара олиши:", "Кўникмага эга бўлиши:"), "uz"),
        (("Знания", "Умения", "Навыки"), "ru"),
    ],
)
def test_docx_kazakh_uzbek_and_noun_headings(
    tmp_path: Path, headings: tuple[str, str, str], lang: str
) -> None:
    items = {
        "kk": ("деректер базасының құрылымын", "SQL сұраныстарын жазу", "резервтік көшіру"),
        "uz": ("ma'lumotlar bazasi tuzilishini", "SQL so'rovlarini yozish", "zaxira nusxalash"),
        "ru": ("основы баз данных", "писать SQL-запросы", "резервного копирования"),
    }[lang]
    if headings[0] == "Билиши:":
        items = ("маълумотлар базаси тузилишини", "SQL сўровларини ёзиш", "заҳира нусхалаш")
    paragraphs = [p for pair in zip(headings, items, strict=True) for p in pair]
    catalogue = load_catalogue(write_docx(tmp_path / "course.docx", paragraphs))
    assert outcomes(catalogue) == list(zip(("knowledge", "skill", "mastery"), items, strict=True))


UZ_YAML = """\
nomi: [[ma'lumotlar, bazasi]]
kredit: 6
bilish:
  - relyatsion ma'lumotlar modelining asosiy tushunchalarini;
qila olish: |
  Talaba quyidagilarni qila olishi kerak:
  - ER-diagramma tuzish;
  - SQL so'rovlarini yozish.
ko'nikmaga ega bo'lishi:
  - ma'lumotlar bazasini zaxiralash ko'nikmasiga.
"""


def test_kazakh_sample_and_uzbek_yaml_keys(tmp_path: Path) -> None:
    kk = load_catalogue(SAMPLES / "rpd_course_kk.yaml")
    [module] = kk.programmes[0].modules
    assert (module.code, module.title, module.credits) == ("KK-DB201", "Деректер базасы", 5.0)
    assert kinds_of(module) == Counter(knowledge=3, skill=2, mastery=1)
    assert {o.lang for o in module.outcomes} == {"kk"}
    path = tmp_path / "db_uz.yaml"
    path.write_text(UZ_YAML, encoding="utf-8")
    uz = load_catalogue(path)
    assert outcomes(uz) == [
        ("knowledge", "relyatsion ma'lumotlar modelining asosiy tushunchalarini"),
        ("skill", "ER-diagramma tuzish"),  # the lead-in "Talaba ... kerak:" is no outcome
        ("skill", "SQL so'rovlarini yozish"),
        ("mastery", "ma'lumotlar bazasini zaxiralash ko'nikmasiga"),
    ]
    assert uz.programmes[0].modules[0].credits == 6.0


def test_detection_by_content_and_the_format_override(tmp_path: Path) -> None:
    course = tmp_path / "course.yaml"
    shutil.copy(NEFU / "linux_basics.yaml", course)
    assert kinds_of(load_catalogue(course).programmes[0].modules[0])["skill"] == 2
    assert load_catalogue(course, format="rpd-yaml") == load_catalogue(course)
    with pytest.raises(InputError, match="programmes"):
        load_catalogue(course, format="nested")
    nested = SAMPLES / "software_developer_en.yaml"
    assert load_catalogue(nested, format="nested") == load_catalogue(nested)
    with pytest.raises(InputError, match="course title"):
        load_catalogue(nested, format="rpd-yaml")
    with pytest.raises(InputError, match="unknown format") as error:
        load_catalogue(course, format="pdf")
    assert error.value.context["field"] == "format"
    with pytest.raises(InputError, match="folder is read as one programme"):
        load_catalogue(NEFU, format="csv")


def test_a_catalogue_lists_module_files_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "courses").mkdir()
    shutil.copy(NEFU / "os.yaml", tmp_path / "courses" / "os.yaml")
    shutil.copy(SAMPLES / "rpd_networks_ru.docx", tmp_path / "courses" / "net.docx")
    listing = """\
name: Listed
programmes:
  - code: IT
    title: Информационные технологии
    modules:
      - courses/os.yaml
      - code: EXTRA
        title: Дополнительный модуль
        outcomes: [проектировать базы данных]
      - courses/net.docx
"""
    path = tmp_path / "catalogue.yaml"
    path.write_text(listing, encoding="utf-8")
    modules = load_catalogue(path).programmes[0].modules
    assert [m.code for m in modules] == ["os", "EXTRA", "net"]
    assert kinds_of(modules[0]) == expected_kinds(NEFU / "os.yaml")
    assert modules[1].outcomes[0].kind is None
    path.write_text(listing.replace("courses/os.yaml", "../os.yaml"), encoding="utf-8")
    with pytest.raises(InputError, match="relative path inside") as error:
        load_catalogue(path)
    assert error.value.context["field"] == "programmes[0].modules[0]"
