"""Occupational standards published as tables (XLSX, DOCX) in one column template -> Framework.

One row per work function (ТФ). Standard and unit (ОТФ) columns may be left blank on the
rows after the first of their group (as merged cells leave them): blanks are filled from
the row above. Multi-valued cells (labour actions, skills, knowledge, job titles,
education, experience) hold one item per line; ISCO codes may also be separated by commas
or semicolons. The template and its accepted headers are in `_table_template.COLUMNS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks._standard_build import (
    FunctionRecord,
    Grain,
    StandardRecord,
    UnitRecord,
    build_framework,
    code_mismatch,
)
from outcome_matcher.frameworks._table_sources import Sheet, docx_sheets, xlsx_sheets
from outcome_matcher.frameworks._table_template import (
    COLUMNS,
    MIN_HEADERS,
    STANDARD_COLUMNS,
    UNIT_COLUMNS,
    Place,
    known_headers,
    map_header,
)
from outcome_matcher.levels import Level, parse_level, scale
from outcome_matcher.schemas import CompetencyText, CompetencyTextKind, Framework
from outcome_matcher.text.language import detect_language

__all__ = ["load_standard_table", "read_standard_table"]

_BULLET = re.compile(r"^\s*(?:[-–—•·*▪]|\d{1,2}[.)])\s+")
_CODES = re.compile(r"[^\s,;]+")
_KINDS: tuple[tuple[str, CompetencyTextKind], ...] = (
    ("labour_actions", "labour_action"),
    ("skills", "skill"),
    ("knowledge", "knowledge"),
    ("other", "other"),
)
_HEADER_SEARCH = 10  # title rows a sheet may carry above its header row
Row = tuple[int, dict[str, str]]


def items(cell: str) -> tuple[str, ...]:
    """One item per line, bullets and numbering dropped, blanks and repeats removed."""
    lines = (_BULLET.sub("", line).strip().rstrip(";") for line in cell.splitlines())
    return tuple(dict.fromkeys(line.strip() for line in lines if line.strip()))


def _header_row(sheet: Sheet) -> int | None:
    for position, (_, cells) in enumerate(sheet.rows[:_HEADER_SEARCH]):
        if known_headers(cells) >= MIN_HEADERS:
            return position
    return None


def _filled_rows(rows: list[tuple[int, list[str]]], columns: dict[str, int]) -> Iterator[Row]:
    """Data rows as column -> text, standard and unit blanks filled from the row above."""
    previous: dict[str, str] = {}
    for row_no, cells in rows:
        values = {n: cells[i].strip() if i < len(cells) else "" for n, i in columns.items()}
        if not any(values.values()):
            continue
        if previous and not values.get("standard_code"):
            values.update({n: previous.get(n, "") for n in STANDARD_COLUMNS if not values.get(n)})
        # A unit continues only within its standard.
        same_standard = previous.get("standard_code") == values.get("standard_code")
        if previous and same_standard and not values.get("unit_code"):
            values.update({n: previous.get(n, "") for n in UNIT_COLUMNS if not values.get(n)})
        previous = values
        yield row_no, values


@dataclass
class _Std:
    name: str
    description: str
    lang: str
    units: dict[str, UnitRecord] = field(default_factory=dict)


class _Collector:
    """Checks rows and groups them into standards, collecting every problem."""

    def __init__(self, file: str, level_scale: str | None) -> None:
        self.file = file
        self.level_scale = level_scale
        self.problems: list[InputError] = []
        self.standards: dict[str, _Std] = {}
        self.scale_missing = False

    def add(self, place: Place, row_no: int, values: dict[str, str]) -> None:
        missing = [n for n, (req, _) in COLUMNS.items() if req and not values.get(n)]
        for name in missing:
            self.problems.append(place.cell("empty required cell", row_no, name))
        scale_id = self._scale(place, row_no, values)
        if scale_id is None or missing:
            return
        unit_level = self._level(place, row_no, values, "unit_level", scale_id)
        function_level = self._level(place, row_no, values, "function_level", scale_id)
        if unit_level is None or function_level is None:
            return
        mismatch = code_mismatch(values["unit_code"], values["function_code"])
        if mismatch:
            self.problems.append(place.cell(mismatch, row_no, "function_code"))
            return
        texts = tuple(
            CompetencyText(kind=kind, text=text)
            for column, kind in _KINDS
            for text in items(values.get(column, ""))
        )
        function = FunctionRecord(
            values["function_code"], values["function_title"], function_level, texts
        )
        self._add_function(place, row_no, values, unit_level, function)

    def _add_function(
        self, place: Place, row_no: int, values: dict[str, str], level: Level, f: FunctionRecord
    ) -> None:
        std = self.standards.setdefault(
            values["standard_code"],
            _Std(
                values["standard_title"],
                values.get("standard_description", ""),
                values.get("lang", ""),
            ),
        )
        unit = std.units.get(values["unit_code"])
        if unit is None:
            std.units[values["unit_code"]] = replace(_unit(values, level), functions=(f,))
        elif unit.level != level or unit.name != values["unit_title"]:
            message = f"unit {values['unit_code']}: title or level differs from its first row"
            self.problems.append(place.cell(message, row_no, "unit_title"))
        else:
            std.units[values["unit_code"]] = replace(unit, functions=(*unit.functions, f))

    def _scale(self, place: Place, row_no: int, values: dict[str, str]) -> str | None:
        named = values.get("level_scale") or self.level_scale
        if not named and self.scale_missing:
            return None  # said once, on the first row
        if not named:
            self.scale_missing = True
            self.problems.append(
                place.cell(
                    "no level scale: add a 'level_scale' column (kz_nqf, uz_nqf, ru_nqf, eqf) "
                    "or pass level_scale",
                    row_no,
                    "level_scale",
                )
            )
            return None
        try:
            return scale(named, file=self.file, where="level_scale").id
        except InputError as exc:
            self.problems.append(place.cell(exc.message, row_no, "level_scale"))
            return None

    def _level(
        self, place: Place, row_no: int, values: dict[str, str], column: str, scale_id: str
    ) -> Level | None:
        try:
            return parse_level(values[column], scale_id)
        except InputError as exc:
            self.problems.append(place.cell(exc.message, row_no, column))
            return None

    def records(self) -> list[StandardRecord]:
        return [
            StandardRecord(code, std.name, std.description, tuple(std.units.values()), self.file)
            for code, std in self.standards.items()
        ]


def _unit(values: dict[str, str], level: Level) -> UnitRecord:
    return UnitRecord(
        code=values["unit_code"],
        name=values["unit_title"],
        level=level,
        functions=(),
        job_titles=items(values.get("job_titles", "")),
        education=items(values.get("education", "")),
        experience=items(values.get("experience", "")),
        isco_codes=tuple(dict.fromkeys(_CODES.findall(values.get("isco", "")))),
        isco_edition="ISCO-08" if values.get("isco") else None,
    )


def _sheets(path: Path) -> tuple[list[Sheet], bool]:
    """The tables of an XLSX or DOCX file (by its extension), and whether columns are letters."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return list(xlsx_sheets(path)), True
    if suffix == ".docx":
        return list(docx_sheets(path)), False
    raise InputError(
        f"unsupported table file {suffix or '(no extension)'}: use .xlsx or .docx", file=str(path)
    )


def _read_sheet(sheet: Sheet, place: Place, collector: _Collector) -> bool:
    """Add a sheet's rows to `collector`; False when the sheet has no template header row."""
    start = _header_row(sheet)
    if start is None:
        return False
    header_no, cells = sheet.rows[start]
    try:
        columns = map_header(cells, header_no, place)
    except InputErrors as exc:
        collector.problems += exc.errors
        return True
    place = replace(place, columns={n: (i, cells[i]) for n, i in columns.items()})
    for row_no, values in _filled_rows(sheet.rows[start + 1 :], columns):
        collector.add(place, row_no, values)
    return True


def read_standard_table(
    path: Path, *, level_scale: str | None = None
) -> tuple[list[StandardRecord], str]:
    """The standards in a table file and the language its columns declare ("" if none)."""
    path = Path(path)
    sheets, letters = _sheets(path)
    collector = _Collector(str(path), level_scale)
    used = sum(
        _read_sheet(sheet, Place(str(path), sheet.name, letters), collector) for sheet in sheets
    )
    if not used:
        what = "sheet" if letters else "table"
        raise InputError(
            f"no {what} with the template's header row (at least {MIN_HEADERS} of its columns, "
            "e.g. 'Код ОТФ', 'Трудовая функция', 'Уровень квалификации') in the first "
            f"{_HEADER_SEARCH} rows",
            file=str(path),
        )
    if not collector.problems and not collector.standards:
        raise InputError("the template's table has no data rows", file=str(path))
    if len(collector.problems) == 1:
        raise collector.problems[0]
    if collector.problems:
        raise InputErrors(collector.problems, file=str(path))
    langs = [std.lang for std in collector.standards.values() if std.lang]
    return collector.records(), langs[0] if langs else ""


def _language(records: list[StandardRecord]) -> str:
    sample = " ".join(f.name for r in records for u in r.units for f in u.functions)
    return detect_language(sample, languages=("ru", "kk", "uz", "en")) or "und"


def load_standard_table(
    path: Path,
    *,
    name: str,
    version: str | None = None,
    grain: Grain = "function",
    level_scale: str | None = None,
    lang: str | None = None,
) -> Framework:
    """Load standards given as an XLSX or DOCX table in the template (see module docstring).

    `level_scale` applies where the table has no 'level_scale' column; `lang` where it has
    no 'lang' column (else the language is detected from the work-function titles). Every
    problem (missing or renamed column, empty required cell, bad level) is reported at once,
    naming file, sheet, row and column; nothing is loaded.
    """
    records, declared = read_standard_table(Path(path), level_scale=level_scale)
    return build_framework(
        records,
        name=name,
        format="table",
        source=str(path),
        version=version or "",
        grain=grain,
        lang=lang or declared or _language(records),
    )
