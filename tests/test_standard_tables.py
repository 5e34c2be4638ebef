"""Standards as XLSX / DOCX tables in the template, and CSV encodings (BOM, Windows-1251)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks import load_framework
from outcome_matcher.frameworks._table_template import COLUMNS, header_key
from outcome_matcher.frameworks.standard_tables import items, load_standard_table

STANDARDS = Path(__file__).parents[1] / "corpora" / "standards"
KAZAKH_DATA = STANDARDS / "kk_software_developer.yaml"
RU_HEADERS = [
    "Код стандарта", "Наименование стандарта", "Код ОТФ", "Обобщённая трудовая функция",
    "Уровень квалификации", "Возможные наименования должностей", "Код ОКЗ", "Код ТФ",
    "Трудовая функция", "Уровень (подуровень) квалификации", "Трудовые действия",
    "Необходимые умения", "Необходимые знания",
]  # fmt: skip
RU_ROWS = [
    ["06.015", "Специалист по информационным системам", "A", "Сопровождение ИС", "5",
     "Техник\nСпециалист", "2511; 3512", "A/01.5", "Установка ИС", "5",
     "Установка ПО\nНастройка ПО", "Устанавливать ПО", "Архитектура ИС"],
    ["", "", "", "", "", "", "", "A/02.5", "Мониторинг ИС", "5",
     "- Контроль работы\n- Анализ журналов", "Читать журналы", "Протоколы"],
    ["", "", "B", "Создание ИС", "6", "", "2511", "B/01.6", "Проектирование ИС", "6",
     "Разработка архитектуры", "Проектировать", "Методы проектирования"],
]  # fmt: skip


def _kazakh() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(KAZAKH_DATA.read_text(encoding="utf-8"))
    return data


def write_xlsx(path: Path, headers: list[str], rows: list[list[str]], title: bool = True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Стандарт"
    if title:
        sheet.append(["Профессиональный стандарт"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_the_kazakh_example_loads_as_written(suffix: str) -> None:
    data = _kazakh()
    fw = load_framework(STANDARDS / f"kk_software_developer.{suffix}", "table", name="KZ")
    assert fw.format == "table" and {c.lang for c in fw.competencies} == {"kk"}
    whole = fw.standards[0]
    assert (whole.id, whole.label) == (data["code"], data["title"])
    assert [(u.label, u.level, u.level_scale) for u in whole.units] == [
        (u["title"], u["level"], "kz_nqf") for u in data["units"]
    ]
    assert [u.job_titles for u in whole.units] == [tuple(u["job_titles"]) for u in data["units"]]
    functions = [f for u in data["units"] for f in u["functions"]]
    assert [c.label for c in fw.competencies] == [f["title"] for f in functions]
    for c, f in zip(fw.competencies, functions, strict=True):
        kinds = {
            k: tuple(t.text for t in c.texts if t.kind == k)
            for k in ("labour_action", "skill", "knowledge")
        }
        assert kinds == {"labour_action": tuple(f["labour_actions"]), "skill": tuple(f["skills"]),
                         "knowledge": tuple(f["knowledge"])}  # fmt: skip
    assert [s.id for s in fw.standards[1:]] == ["KZ-EX.01/A", "KZ-EX.01/B"]
    assert fw.competencies[0].id == "ps:KZ-EX.01:A/01.4"


def test_xlsx_and_docx_give_the_same_framework() -> None:
    a = load_framework(STANDARDS / "kk_software_developer.xlsx", "table", name="KZ")
    b = load_framework(STANDARDS / "kk_software_developer.docx", "table", name="KZ")
    assert a.model_copy(update={"source": ""}) == b.model_copy(update={"source": ""})


def test_item_grain_on_a_table() -> None:
    fw = load_framework(STANDARDS / "kk_software_developer.xlsx", "table", name="KZ", grain="item")
    n_items = sum(
        len(f[k]) for u in _kazakh()["units"] for f in u["functions"]
        for k in ("labour_actions", "skills", "knowledge")
    )  # fmt: skip
    assert len(fw.competencies) == n_items
    assert {c.unit for c in fw.competencies} >= {"KZ-EX.01/A/01.4", "KZ-EX.01/B/02.6"}


def test_russian_headers_blank_merged_cells_and_a_given_scale(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ru.xlsx", RU_HEADERS, RU_ROWS)
    fw = load_standard_table(path, name="ru", level_scale="ru_nqf")
    assert {c.lang for c in fw.competencies} == {"ru"}  # detected from the titles
    [whole, a, b] = fw.standards
    assert [u.id for u in whole.units] == ["06.015/A", "06.015/B"]
    assert whole.units[0].job_titles == ("Техник", "Специалист")
    assert whole.units[0].isco_codes == ("2511", "3512") and whole.units[1].job_titles == ()
    assert len(a.requirements) == 2 and len(b.requirements) == 1
    monitoring = fw.competencies[1]
    assert [t.text for t in monitoring.texts if t.kind == "labour_action"] == [
        "Контроль работы",
        "Анализ журналов",
    ]


def test_header_synonyms_are_unambiguous() -> None:
    owners: dict[str, str] = {}
    for name, (_, headers) in COLUMNS.items():
        for h in headers:
            assert owners.setdefault(header_key(h), name) == name, h
    assert header_key("Обобщённая  трудовая функция:") == header_key("обобщенная трудовая функция")


def test_items_drop_bullets_numbers_and_repeats() -> None:
    assert items("1) Один;\n• Два\n\n- Один") == ("Один", "Два")


def _errors(caught: pytest.ExceptionInfo[InputError]) -> list[InputError]:
    return caught.value.errors if isinstance(caught.value, InputErrors) else [caught.value]


def test_a_renamed_column_is_named_with_the_fix(tmp_path: Path) -> None:
    headers = [h if h != "Трудовые действия" else "Трудовые действя" for h in RU_HEADERS]
    headers[8] = "Функция"  # a required column under a name the template does not know
    path = write_xlsx(tmp_path / "renamed.xlsx", headers, RU_ROWS)
    with pytest.raises(InputErrors) as caught:
        load_standard_table(path, name="x", level_scale="ru_nqf")
    [typo, missing] = _errors(caught)
    assert typo.context == {
        "file": str(path),
        "row": 2,
        "field": "Трудовые действя",
        "sheet": "Стандарт",
    }
    assert "Стандарт, column K" in typo.message
    assert "rename it to 'Трудовые действия' (labour_actions)" in typo.message
    assert (
        missing.context["row"] == 2
        and "missing required column 'function_title'" in missing.message
    )
    assert "nothing" not in str(caught.value)


def test_empty_cells_and_bad_levels_name_row_and_column(tmp_path: Path) -> None:
    rows = [list(r) for r in RU_ROWS]
    rows[1][8] = ""  # function title of the second work function
    rows[2][4] = "10"  # the ОТФ level, outside the Russian scale
    rows[2][9] = "шесть"
    path = write_xlsx(tmp_path / "bad.xlsx", RU_HEADERS, rows)
    with pytest.raises(InputErrors) as caught:
        load_standard_table(path, name="x", level_scale="ru_nqf")
    found = {(e.context["row"], e.context["field"]): e.message for e in _errors(caught)}
    title, unit_level, level = "Трудовая функция", "Уровень квалификации", RU_HEADERS[9]
    assert set(found) == {(4, title), (5, unit_level), (5, level)}
    assert found[(4, title)].endswith("Стандарт, column I: empty required cell (function_title)")
    assert "Стандарт, column E: level 10 is outside the ru_nqf" in found[(5, unit_level)]
    assert "unreadable level 'шесть' (function_level)" in found[(5, level)]
    assert all(e.context["file"] == str(path) for e in _errors(caught))


def test_a_table_needs_a_level_scale(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "noscale.xlsx", RU_HEADERS, RU_ROWS[:1], title=False)
    with pytest.raises(InputError, match="no level scale") as caught:
        load_standard_table(path, name="x")
    assert caught.value.context["row"] == 2
    with pytest.raises(InputError, match="unknown level scale 'НРК Марса'"):
        load_standard_table(path, name="x", level_scale="НРК Марса")


def test_a_docx_without_the_table_is_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Рабочая программа дисциплины")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Разработчик", "Кафедра"
    path = tmp_path / "plain.docx"
    document.save(str(path))
    with pytest.raises(InputError, match="no table with the template's header row") as caught:
        load_standard_table(path, name="x", level_scale="kz_nqf")
    assert caught.value.context == {"file": str(path)}


def test_files_that_are_not_tables_are_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("код;название\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a XLSX file"):
        load_standard_table(fake, name="x")
    odd = tmp_path / "standard.ods"
    odd.write_bytes(b"")
    with pytest.raises(InputError, match=r"unsupported table file \.ods"):
        load_standard_table(odd, name="x")
    with pytest.raises(InputError, match="file not found"):
        load_standard_table(tmp_path / "none.xlsx", name="x")


def test_a_package_part_with_a_dtd_is_refused(tmp_path: Path) -> None:
    source = STANDARDS / "kk_software_developer.docx"
    path = tmp_path / "evil.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as out:
        for member in src.infolist():
            data = src.read(member)
            if member.filename == "word/document.xml":
                data = data.replace(
                    b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
                )
            out.writestr(member, data)
    with pytest.raises(InputError, match=r"refused: word/document\.xml declares a DTD"):
        load_standard_table(path, name="x")


def test_csv_with_a_bom_is_read_and_windows_1251_is_refused(tmp_path: Path) -> None:
    text = "id,label,type\nk1,Разработка алгоритмов,skill\nk2,Языки программирования,knowledge\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [c.id for c in load_framework(bom, "csv", name="x").competencies] == ["k1", "k2"]
    cp = tmp_path / "cp1251.csv"
    cp.write_bytes(text.encode("cp1251"))
    with pytest.raises(InputError, match="encoded in Windows-1251") as caught:
        load_framework(cp, "csv", name="x")
    assert caught.value.context == {"file": str(cp)}
    assert "iconv -f cp1251 -t utf-8" in caught.value.message


def test_utf8_russian_with_one_bad_byte_is_not_taken_for_windows_1251(tmp_path: Path) -> None:
    text = "id,label\n" + "".join(
        f"k{i},Разработка программного обеспечения {i}\n" for i in range(20)
    )
    path = tmp_path / "stray.csv"
    path.write_bytes(text.encode("utf-8") + b"k99,\xff\n")
    with pytest.raises(InputError, match="invalid UTF-8") as caught:
        load_framework(path, "csv", name="x")
    assert "Windows-1251" not in str(caught.value)


def test_a_function_code_of_another_unit_names_its_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in RU_ROWS]
    rows[2][7] = "A/03.6"  # under ОТФ B
    path = write_xlsx(tmp_path / "code.xlsx", RU_HEADERS, rows)
    with pytest.raises(InputError, match="does not belong to unit B") as caught:
        load_standard_table(path, name="x", level_scale="ru_nqf")
    assert (caught.value.context["row"], caught.value.context["field"]) == (5, "Код ТФ")
    assert "column H" in caught.value.message
