"""Align outputs: atomic chunk parts, a progress journal, and the deterministic final merge."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from outcome_matcher.batch.chunk import record_line

JSONL = "suggestions.jsonl"
PARQUET = "suggestions.parquet"
MANIFEST = "manifest.json"
TIMINGS = "timings.json"
JOURNAL = "journal.jsonl"
RUN_KEY = "run.json"
PARTS = "parts"

_SUGGESTION = pa.struct(
    [
        ("competency_id", pa.string()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("confidence", pa.float64()),
        ("evidence", pa.string()),
    ]
)
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("programme", pa.string()),
        ("module", pa.string()),
        ("suggestions", pa.list_(_SUGGESTION)),
    ]
)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file, fsync, then rename: readers see all of it or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    atomic_write(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def part_path(out: Path, index: int) -> Path:
    return out / PARTS / f"chunk-{index:07d}.jsonl"


def done_chunks(out: Path) -> set[int]:
    """Chunks whose part file exists: the rename made them complete, whatever the journal says."""
    parts = out / PARTS
    if not parts.is_dir():
        return set()
    return {int(p.stem.split("-")[1]) for p in parts.glob("chunk-*.jsonl")}


def write_part(out: Path, index: int, records: Sequence[dict[str, Any]], seconds: float) -> None:
    """Save one chunk's records atomically, then log it in the journal."""
    write_part_body(out, index, "".join(record_line(r) + "\n" for r in records), seconds)


def write_part_body(out: Path, index: int, body: str, seconds: float) -> None:
    """write_part for records already serialised as JSON lines."""
    atomic_write(part_path(out, index), body.encode("utf-8"))
    entry = {"chunk": index, "rows": body.count("\n"), "seconds": round(seconds, 3)}
    with (out / JOURNAL).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_part(out: Path, index: int) -> list[dict[str, Any]]:
    lines = part_path(out, index).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def iter_records(out: Path, n_chunks: int) -> Iterator[dict[str, Any]]:
    for index in range(n_chunks):
        yield from read_part(out, index)


def merge(out: Path, n_chunks: int) -> dict[str, int]:
    """Concatenate parts in chunk order into the JSON lines and Parquet outputs."""
    counts = {"rows": 0, "suggestions": 0}
    jsonl_tmp = out / f".{JSONL}.tmp"
    parquet_tmp = out / f".{PARQUET}.tmp"
    with jsonl_tmp.open("wb") as jfh, pq.ParquetWriter(parquet_tmp, SCHEMA) as writer:
        for index in range(n_chunks):
            raw = part_path(out, index).read_bytes()
            jfh.write(raw)
            records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
            counts["rows"] += len(records)
            counts["suggestions"] += sum(len(r["suggestions"]) for r in records)
            # One row group per chunk: the same chunks give the same file, whichever engine.
            writer.write_table(pa.Table.from_pylist(records, schema=SCHEMA))
        jfh.flush()
        os.fsync(jfh.fileno())
    os.replace(jsonl_tmp, out / JSONL)
    os.replace(parquet_tmp, out / PARQUET)
    return counts


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
