"""Write the hand-written illustrative Kazakh standard as XLSX and DOCX tables in the template.

Reads corpora/standards/kk_software_developer.yaml and writes kk_software_developer.xlsx and
kk_software_developer.docx beside it: a title row, the Kazakh header row, one row per work
function, standard and unit cells merged over their rows (as published tables do). The
DOCX also carries a small layout table before the standard's table (the loader skips it).

Usage: python scripts/make_example_standards.py [--data PATH.yaml]  (default: the Kazakh example)
"""

from __future__ import annotations

import argparse
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl
import yaml
from openpyxl.styles import Alignment, Font

DEFAULT = (
    Path(__file__).resolve().parents[1] / "corpora" / "standards" / "kk_software_developer.yaml"
)
FIXED_TIME = datetime(2026, 1, 1)  # fixed document times, so re-running changes nothing
TITLE = "Кәсіптік стандарт — иллюстрациялық мысал, ресми стандарт емес"
STANDARD_KEYS = ("standard_code", "standard_title", "standard_description", "level_scale", "lang")
UNIT_KEYS = (
    "unit_code",
    "unit_title",
    "unit_level",
    "job_titles",
    "education",
    "experience",
    "isco",
)


def rows_of(data: dict[str, Any]) -> list[dict[str, str]]:
    """One row per work function, every column filled (merging blanks them later)."""
    rows: list[dict[str, str]] = []
    for unit in data["units"]:
        for f in unit["functions"]:
            rows.append(
                {
                    "standard_code": data["code"],
                    "standard_title": data["title"],
                    "standard_description": data["description"],
                    "level_scale": data["level_scale"],
                    "lang": data["lang"],
                    "unit_code": unit["code"],
                    "unit_title": unit["title"],
                    "unit_level": unit["level"],
                    "job_titles": "\n".join(unit["job_titles"]),
                    "education": "\n".join(unit["education"]),
                    "experience": "\n".join(unit["experience"]),
                    "isco": "; ".join(unit["isco"]),
                    "function_code": f["code"],
                    "function_title": f["title"],
                    "function_level": f["level"],
                    "labour_actions": "\n".join(f["labour_actions"]),
                    "skills": "\n".join(f["skills"]),
                    "knowledge": "\n".join(f["knowledge"]),
                }
            )
    return rows


def spans(rows: list[dict[str, str]], key: str) -> list[tuple[int, int]]:
    """(first, last) row positions of each run of equal `key` values: the cells to merge."""
    runs: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if runs and rows[runs[-1][0]][key] == row[key]:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def merged_groups(
    rows: list[dict[str, str]],
) -> list[tuple[tuple[str, ...], list[tuple[int, int]]]]:
    return [(STANDARD_KEYS, [(0, len(rows) - 1)]), (UNIT_KEYS, spans(rows, "unit_code"))]


def write_xlsx(data: dict[str, Any], path: Path) -> None:
    headers: dict[str, str] = data["headers"]
    keys = list(headers)
    rows = rows_of(data)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Кәсіптік стандарт"
    sheet.append([TITLE])
    sheet.append([])
    sheet.append([headers[k] for k in keys])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[k] for k in keys])
    first = 4  # data rows start under the title, a blank row and the header
    for group, runs in merged_groups(rows):
        for key in group:
            column = keys.index(key) + 1
            for a, b in runs:
                if b > a:
                    sheet.merge_cells(
                        start_row=first + a,
                        end_row=first + b,
                        start_column=column,
                        end_column=column,
                    )
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.created = book.properties.modified = FIXED_TIME
    book.save(path)


def write_docx(data: dict[str, Any], path: Path) -> None:
    headers: dict[str, str] = data["headers"]
    keys = list(headers)
    rows = rows_of(data)
    document = docx.Document()
    document.add_heading(data["title"], level=1)
    document.add_paragraph(TITLE)
    layout = document.add_table(rows=2, cols=2)
    for (key_text, value_text), layout_row in zip(
        (("Әзірлеуші", "outcome-matcher"), ("Мәртебесі", "мысал")), layout.rows, strict=True
    ):
        layout_row.cells[0].text, layout_row.cells[1].text = key_text, value_text
    table = document.add_table(rows=1 + len(rows), cols=len(keys))
    table.style = "Table Grid"
    for j, key in enumerate(keys):
        table.cell(0, j).text = headers[key]
    starts = {key: {a for a, _ in runs} for group, runs in merged_groups(rows) for key in group}
    for i, row in enumerate(rows, start=1):
        for j, key in enumerate(keys):
            if key not in starts or i - 1 in starts[key]:
                table.cell(i, j).text = row[key]
    for group, runs in merged_groups(rows):
        for key in group:
            j = keys.index(key)
            for a, b in runs:
                if b > a:
                    table.cell(1 + a, j).merge(table.cell(1 + b, j))
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.save(str(path))


def fix_zip_times(path: Path) -> None:
    """Rewrite the package with fixed times (member times; openpyxl stamps "modified" with
    the time of saving): the same data gives the same bytes."""
    with zipfile.ZipFile(path) as package:
        members = [(m.filename, package.read(m)) for m in package.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = [
        (name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data))
        if name == "docProps/core.xml"
        else (name, data)
        for name, data in members
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    data = yaml.safe_load(args.data.read_text(encoding="utf-8"))
    for suffix, write in ((".xlsx", write_xlsx), (".docx", write_docx)):
        out = args.data.with_suffix(suffix)
        write(data, out)
        fix_zip_times(out)
        print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
