"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula is quoted."""

from __future__ import annotations

from typing import TypeVar

# OWASP CSV injection: a cell starting with one of these is a formula (or becomes one after
# the spreadsheet strips a leading tab or carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """`value` with a leading single quote when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote_cell(value: str) -> str:
    """The text `safe_cell` quoted, read back (an import of our own export)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
