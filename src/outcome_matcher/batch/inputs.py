"""Streaming readers for align inputs: CSV, JSON lines, Parquet, and catalogue YAML/JSON."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.errors import InputError
from outcome_matcher.fileio import read_json_lines

STREAM_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")
CATALOGUE_SUFFIXES = (".yaml", ".yml", ".json", ".docx")
_ALIASES = {"programme_code": "programme", "module_code": "module", "outcome": "text"}


@dataclass(frozen=True)
class AlignRow:
    """One statement to align: its id, text, and the programme and module it belongs to."""

    id: str
    text: str
    programme: str | None = None
    module: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A numbered slice of the input stream; its number fixes its place in the output."""

    index: int
    rows: tuple[AlignRow, ...]


def read_rows(path: Path, *, max_chars: int) -> Iterator[AlignRow]:
    """Stream the rows of one input file, checking each text."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    if suffix == ".csv":
        rows: Iterable[AlignRow] = _csv_rows(path)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path)
    elif suffix == ".parquet":
        rows = _parquet_rows(path)
    elif suffix in CATALOGUE_SUFFIXES:
        rows = _catalogue_rows(path, max_chars)
    else:
        known = ", ".join(STREAM_SUFFIXES + CATALOGUE_SUFFIXES)
        raise InputError(
            f"unknown file type {suffix or '(none)'!r}; expected {known}", file=str(path)
        )
    for number, row in enumerate(rows, start=1):
        yield _checked(row, path, number, max_chars)


def chunks(paths: Sequence[Path], size: int, *, max_chars: int) -> Iterator[Chunk]:
    """The concatenated rows of all inputs, in order, cut into chunks of `size` rows."""
    stream = itertools.chain.from_iterable(read_rows(p, max_chars=max_chars) for p in paths)
    for index in itertools.count():
        rows = tuple(itertools.islice(stream, size))
        if not rows:
            return
        yield Chunk(index, rows)


def count_rows(paths: Sequence[Path], *, max_chars: int) -> int:
    """Rows in all inputs (one cheap pass, for progress and ETA)."""
    return sum(_count(p, max_chars) for p in paths)


def _count(path: Path, max_chars: int) -> int:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    return sum(1 for _ in read_rows(path, max_chars=max_chars))


def _checked(row: AlignRow, path: Path, number: int, max_chars: int) -> AlignRow:
    if not row.text.strip():
        raise InputError("missing or empty text", file=str(path), row=number, field="text")
    if len(row.text) > max_chars:
        raise InputError(
            f"text is {len(row.text)} characters, the limit is {max_chars}",
            file=str(path),
            row=number,
            field="text",
        )
    return row


def _row(data: dict[str, Any], number: int, path: Path) -> AlignRow:
    fields = {_ALIASES.get(k.strip().lower(), k.strip().lower()): v for k, v in data.items()}
    text = fields.get("text")
    if not isinstance(text, str):
        raise InputError("missing or non-text `text`", file=str(path), row=number, field="text")
    raw_id = fields.get("id")
    return AlignRow(
        id=str(number) if raw_id is None or raw_id == "" else str(raw_id),
        text=text,
        programme=_optional(fields.get("programme")),
        module=_optional(fields.get("module")),
    )


def _optional(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _csv_rows(path: Path) -> Iterator[AlignRow]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        # Ids default to the data row number, as `suggest` numbers plain lines.
        for number, data in enumerate(csv.DictReader(fh), start=1):
            yield _row(data, number, path)


def _jsonl_rows(path: Path) -> Iterator[AlignRow]:
    with path.open(encoding="utf-8") as fh:
        for number, data in read_json_lines(fh, source=str(path)):
            assert isinstance(data, dict)  # plain lines are off
            yield _row(data, number, path)


def _parquet_rows(path: Path, batch_rows: int = 8192) -> Iterator[AlignRow]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        for data in batch.to_pylist():
            number += 1
            yield _row(data, number, path)


def _catalogue_rows(path: Path, max_chars: int) -> Iterator[AlignRow]:
    catalogue = load_catalogue(path, max_text_chars=max_chars)
    for programme in catalogue.programmes:
        for module in programme.modules:
            for outcome in module.outcomes:
                yield AlignRow(outcome.id, outcome.text, programme.code, module.code)
