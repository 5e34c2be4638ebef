"""Files on disk: atomic folder writes, JSON lines with errors naming the row, safe cells."""

from outcome_matcher.fileio.atomic import atomic_directory, swap_into_place, write_file
from outcome_matcher.fileio.cells import safe_cell, unquote_cell
from outcome_matcher.fileio.jsonl import read_json_lines

__all__ = [
    "atomic_directory",
    "read_json_lines",
    "safe_cell",
    "swap_into_place",
    "unquote_cell",
    "write_file",
]
