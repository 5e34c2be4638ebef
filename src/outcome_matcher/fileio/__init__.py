"""Files on disk: atomic folder writes, and reading JSON lines with errors naming the row."""

from outcome_matcher.fileio.atomic import atomic_directory, swap_into_place, write_file
from outcome_matcher.fileio.jsonl import read_json_lines

__all__ = ["atomic_directory", "read_json_lines", "swap_into_place", "write_file"]
