"""Rows of the tables in XLSX workbooks and DOCX documents, opened defensively."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks._xml import MAX_BYTES, check_size

MAX_UNPACKED = 200 * 1024 * 1024  # a zip bomb unpacks to far more than its file size
_DTD_MARK = b"<!DOCTYPE"


@dataclass(frozen=True)
class Sheet:
    """One table: its name ("Лист1", "table 2"), rows of cell texts with their row numbers."""

    name: str
    rows: list[tuple[int, list[str]]]
    letters: bool


def check_package(path: Path, kind: str) -> None:
    """Refuse what is not an OOXML zip, unpacks too large, or declares a DTD in any part."""
    check_size(path, MAX_BYTES)
    if not zipfile.is_zipfile(path):
        raise InputError(f"not a {kind.upper()} file (not a zip package)", file=str(path))
    with zipfile.ZipFile(path) as package:
        members = package.infolist()
        if sum(m.file_size for m in members) > MAX_UNPACKED:
            raise InputError("refused: the package unpacks to more than 200 MB", file=str(path))
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with package.open(member) as part:
                    if _DTD_MARK in part.read(4096):
                        raise InputError(
                            f"refused: {member.filename} declares a DTD", file=str(path)
                        )


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ".0", dates as ISO, None as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def xlsx_sheets(path: Path) -> Iterator[Sheet]:
    """Every worksheet of a workbook (cached values, not formulas)."""
    import openpyxl  # openpyxl parses with defusedxml when it is installed (it is)

    check_package(path, "xlsx")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"unreadable XLSX: {exc}", file=str(path)) from exc
    try:
        for ws in book.worksheets:
            rows = [
                (i, [cell_text(v) for v in values])
                for i, values in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            yield Sheet(ws.title, rows, letters=True)
    finally:
        book.close()


def docx_sheets(path: Path) -> Iterator[Sheet]:
    """Every table of a document, merged cells repeated (python-docx resolves no entities)."""
    import docx
    from docx.opc.exceptions import OpcError

    check_package(path, "docx")
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, OpcError) as exc:
        raise InputError(f"unreadable DOCX: {exc}", file=str(path)) from exc
    for n, table in enumerate(document.tables, start=1):
        rows = [
            (i, [c.text.strip() for c in row.cells]) for i, row in enumerate(table.rows, start=1)
        ]
        yield Sheet(f"table {n}", rows, letters=False)
