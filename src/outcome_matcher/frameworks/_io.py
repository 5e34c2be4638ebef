"""Shared reading helpers for framework loaders: gzip and encoding checks, CSV rows, file names."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from outcome_matcher.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
BAD_BYTES = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of bad UTF-8
_NAME_SEPARATORS = re.compile(r"[\s_\-]+")
EXTRA_FIELDS = "\x00extra"  # key of fields beyond the header; cannot clash with a column name
_EXTENSIONS = (".gz", ".txt", ".tsv", ".csv", ".jsonl", ".json")

# Some ESCO and O*NET cells (long descriptions) exceed the csv module's 128 KiB default.
csv.field_size_limit(16 * 1024 * 1024)


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic number, whatever its extension says."""
    with path.open("rb") as handle:
        return handle.read(2) == _GZIP_MAGIC


def open_bytes(path: Path) -> IO[bytes]:
    """Open a plain or gzip-compressed file for reading bytes; InputError if it is missing."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    if is_gzip(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]{3,}")


def _looks_russian(text: str) -> bool:
    """True when the non-ASCII characters of `text` mostly form Cyrillic words.

    Latin-1 or cp1252 bytes read as cp1251 also give Cyrillic letters, but one at a time
    inside Latin words ("café" -> "cafй"); cp1251 Russian gives whole Cyrillic words.
    """
    high = sum(ord(ch) > 127 for ch in text)
    in_words = sum(len(w) for w in _CYRILLIC_WORD.findall(text))
    return in_words >= 8 and in_words >= 0.8 * high


def refuse_cp1251(path: Path, sniff: int = 1 << 20) -> None:
    """InputError when the file is clearly Windows-1251 (Cyrillic) rather than UTF-8.

    Refused, not read: Excel's "CSV" saves in the system code page, and a guessed 8-bit
    code page (cp1251, KOI8-R, cp866 ...) read wrongly would store mojibake unnoticed.
    """
    with open_bytes(path) as handle:
        raw = handle.read(sniff)
    try:
        # Incremental: a multi-byte character cut at the sniff boundary is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
        return
    except UnicodeDecodeError:
        pass
    if _looks_russian(raw.decode("cp1251", errors="replace")):
        raise InputError(
            "the file is encoded in Windows-1251 (Cyrillic), not UTF-8: save it again as "
            'UTF-8 (Excel: "CSV UTF-8"; LibreOffice: character set "Unicode (UTF-8)") or '
            "convert it with `iconv -f cp1251 -t utf-8`",
            file=str(path),
        )


def open_text(path: Path, *, errors: str = "strict") -> IO[str]:
    """Open a plain or gzip-compressed UTF-8 text file (a leading BOM is dropped)."""
    # newline="" lets the csv module see newlines inside quoted cells.
    return io.TextIOWrapper(open_bytes(path), encoding="utf-8-sig", errors=errors, newline="")


def read_rows(
    path: Path, *, delimiter: str = ",", errors: str = "strict"
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) from a CSV/TSV file; row numbers count the header as row 1.

    Blank rows are skipped (but counted); short rows are padded with ""; fields beyond the
    header are kept, tab-joined, under EXTRA_FIELDS.
    """
    with open_text(path, errors=errors) as handle:
        # csv.reader + zip is about twice as fast as csv.DictReader on ESCO's 124k relations.
        reader = csv.reader(handle, delimiter=delimiter)
        row_no = 1
        try:
            names = next(reader, [])
            width = len(names)
            for row_no, values in enumerate(reader, start=2):
                if not values:
                    continue
                row = dict(zip(names, values, strict=False))
                if len(values) != width:
                    row = _fix_width(names, values)
                yield row_no, row
        except UnicodeDecodeError as exc:
            refuse_cp1251(path, sniff=64 << 20)
            bad_row = _first_bad_row(path, delimiter)
            raise InputError("invalid UTF-8", file=str(path), row=bad_row) from exc
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", file=str(path), row=row_no + 1) from exc


def _first_bad_row(path: Path, delimiter: str) -> int | None:
    """Row of the first undecodable bytes: a second, lenient pass run only after a failure."""
    # Strict decoding fails a whole block ahead of the csv reader, so it cannot name the row.
    with open_text(path, errors="surrogateescape") as handle:
        for row_no, values in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
            if any(BAD_BYTES.search(value) for value in values):
                return row_no
    return None


def _fix_width(names: list[str], values: list[str]) -> dict[str, str]:
    row = dict(zip(names, values + [""] * (len(names) - len(values)), strict=False))
    if len(values) > len(names):
        row[EXTRA_FIELDS] = "\t".join(values[len(names) :])
    return row


def header(path: Path, *, delimiter: str = ",") -> list[str]:
    """The header of a CSV/TSV file, or [] for an empty file; refuses Windows-1251 files."""
    refuse_cp1251(path)
    # Lenient: the first decoded block reaches past the header; read_rows reports bad bytes.
    with open_text(path, errors="surrogateescape") as handle:
        return next(csv.reader(handle, delimiter=delimiter), [])


def require_columns(path: Path, columns: tuple[str, ...], *, delimiter: str = ",") -> None:
    """Raise InputError naming the first required column a file lacks."""
    present = set(header(path, delimiter=delimiter))
    for column in columns:
        if column not in present:
            raise InputError("missing required column", file=str(path), row=1, field=column)


def name_key(file_name: str) -> str:
    """Normalise a file name for lookup: 'Task Statements.txt' == 'task_statements.tsv.gz'."""
    stem = file_name.lower()
    changed = True
    while changed:
        changed = False
        for ext in _EXTENSIONS:
            if stem.endswith(ext):
                stem = stem[: -len(ext)]
                changed = True
    return _NAME_SEPARATORS.sub("_", stem).strip("_")


def files_by_key(directory: Path) -> dict[str, Path]:
    """Map normalised file names to the files of a directory (first in sorted order wins)."""
    if not directory.is_dir():
        raise InputError("directory not found", file=str(directory))
    found: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        if path.is_file():
            found.setdefault(name_key(path.name), path)
    return found


def split_lines(value: str) -> tuple[str, ...]:
    """Split a newline-separated multi-valued cell, dropping blanks and repeats."""
    return unique(part.strip() for part in value.splitlines())


def unique(values: Iterator[str] | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Non-empty values in first-seen order, without repeats."""
    return tuple(dict.fromkeys(v for v in values if v))
