"""The one column template of standards published as tables, with ru / kk / uz header synonyms."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from outcome_matcher.errors import InputError, InputErrors


@cache
def _template() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("table_template.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


# canonical name -> (required, accepted headers); the data file documents each column.
COLUMNS: dict[str, tuple[bool, tuple[str, ...]]] = {
    name: (bool(spec["required"]), tuple(str(h) for h in spec["headers"]))
    for name, spec in _template()["columns"].items()
}
UNIT_COLUMNS = (
    "unit_code",
    "unit_title",
    "unit_level",
    "job_titles",
    "education",
    "experience",
    "isco",
)
STANDARD_COLUMNS = (
    "standard_code",
    "standard_title",
    "standard_description",
    "level_scale",
    "lang",
)


def header_key(text: str) -> str:
    """A header as matched: NFKC, case-folded, single spaces, ё as е, typographic ' as '."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    for mark in ("‘", "’", "ʻ", "ʼ", "`"):
        text = text.replace(mark, "'")
    return " ".join(text.replace("_", " ").split()).strip(" :*")


_BY_HEADER = {header_key(h): name for name, (_, hs) in COLUMNS.items() for h in (*hs, name)}
# At least this many template headers make a row the header row of a table.
MIN_HEADERS = 3


@dataclass(frozen=True)
class Place:
    """Where a table sits: its file and sheet (or "table 2" of a DOCX), for error messages."""

    file: str
    sheet: str
    letters: bool  # XLSX columns are letters, DOCX table columns numbers
    # canonical column -> (index, header as written), once the header row is read
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)

    def column(self, index: int) -> str:
        if not self.letters:
            return f"column {index + 1}"
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        return f"column {name}"

    def error(
        self, message: str, row: int, index: int | None = None, header: str = ""
    ) -> InputError:
        where = f"{self.sheet}" + (f", {self.column(index)}" if index is not None else "")
        return InputError(
            f"{where}: {message}", file=self.file, row=row, field=header or None, sheet=self.sheet
        )

    def cell(self, message: str, row: int, name: str) -> InputError:
        """An error in column `name` of `row`, named by its letter and header as written."""
        if name in self.columns:
            index, header = self.columns[name]
            return self.error(f"{message} ({name})", row, index, header)
        return self.error(f"{message} ({name})", row, header=name)


def known_headers(cells: list[str]) -> int:
    """How many cells are template headers."""
    return sum(header_key(c) in _BY_HEADER for c in cells if c)


def _suggestion(header: str, missing: set[str]) -> str | None:
    """The accepted header of a missing column that `header` most resembles (a typo, a rename)."""
    options = {header_key(h): h for name in missing for h in COLUMNS[name][1]}
    close = difflib.get_close_matches(header_key(header), list(options), n=1, cutoff=0.7)
    return options[close[0]] if close else None


def map_header(cells: list[str], row: int, place: Place) -> dict[str, int]:
    """canonical column -> index; InputErrors naming each missing or misspelt column."""
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        name = _BY_HEADER.get(header_key(cell)) if cell else None
        if name is not None:
            found.setdefault(name, index)
        elif cell.strip():
            unknown.append((index, cell))
    missing = {name for name in COLUMNS if name not in found}
    problems: list[InputError] = []
    for index, cell in unknown:
        hint = _suggestion(cell, missing)
        if hint is not None:
            name = _BY_HEADER[header_key(hint)]
            fix = hint[:1].upper() + hint[1:]
            message = f"column {cell!r} is not in the template; rename it to {fix!r} ({name})"
            problems.append(place.error(message, row, index, cell))
            missing.discard(name)
    for name in sorted(n for n in missing if COLUMNS[n][0]):
        accepted = ", ".join(repr(h) for h in COLUMNS[name][1][:4])
        problems.append(
            place.error(
                f"missing required column {name!r} (accepted headers include {accepted})", row
            )
        )
    if problems:
        raise InputErrors(problems, file=place.file)
    return found
