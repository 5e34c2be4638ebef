"""Generic loader: one CSV or JSON-lines file of competencies, optionally with standards.

Columns (CSV header or JSON keys; case, spaces and hyphens in names do not matter):
`id` and `label` are required; `alt_labels` (separated by `|` or newlines; a JSON list
also works), `description`, `type` (knowledge / skill / competence), `unit`, `level`,
`lang` (default "en") are optional. `standard` names the standard(s) a row is required by
(`|`-separated or a JSON list; the name is the standard's id and label) and `essential`
(true/false, yes/no, 1/0; default true) says how. A requirement's unit is the row's unit.
Other columns are ignored, unless they look like a misnamed known column.

Row numbers in errors: CSV rows are counted as a spreadsheet shows them (the header is row 1,
the first data row is row 2, a quoted cell with line breaks is still one row); JSON lines
are counted from 1, blank lines included. All row problems are collected and raised
together as InputErrors; file-level problems (missing or empty file) raise InputError.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks._io import EXTRA_FIELDS, header, open_bytes, read_rows
from outcome_matcher.frameworks._rows import RowChecker, check_columns, column_key
from outcome_matcher.schemas import Framework

TabularFormat = Literal["csv", "jsonl"]


def load_tabular(
    path: Path, format: TabularFormat, *, name: str, version: str | None = None
) -> Framework:
    """Load a generic CSV or JSON-lines framework file (plain or gzipped); see module doc."""
    checker = RowChecker(file=str(path))
    rows = _csv_rows(path, checker) if format == "csv" else _jsonl_rows(path, checker)
    for row, record in rows:
        checker.add(row, record)
    if checker.errors:
        raise InputErrors(checker.errors, file=str(path))
    if not checker.competencies:
        raise InputError("no data rows", file=str(path))
    return Framework(
        name=name,
        version=version or "",
        format=format,
        source=str(path),
        competencies=tuple(checker.competencies.values()),
        standards=checker.standard_list(),
    )


def _csv_rows(path: Path, checker: RowChecker) -> Iterator[tuple[int, dict[str, object]]]:
    """Rows with canonical keys; stops after the header if required columns are missing."""
    names = header(path)
    if not any(n.strip() for n in names):
        raise InputError("file is empty (expected a header row with id,label,...)", file=str(path))
    problems = check_columns(names, file=str(path), row=1)
    checker.errors.extend(problems)
    if any(p.context.get("field") in ("id", "label") for p in problems):
        return
    # surrogateescape keeps going past bad bytes so every bad row can be named.
    for row, values in read_rows(path, errors="surrogateescape"):
        if EXTRA_FIELDS in values:
            message = "more fields than the header has (a stray comma or quote?)"
            checker.errors.append(InputError(message, file=str(path), row=row))
        elif any(v.strip() for v in values.values()):
            yield row, {column_key(k): v for k, v in values.items()}


def _jsonl_rows(path: Path, checker: RowChecker) -> Iterator[tuple[int, dict[str, object]]]:
    """One JSON object per line, with canonical keys; blank lines are skipped but counted."""
    seen_any = False
    with open_bytes(path) as handle:
        for line_no, raw in enumerate(handle, start=1):
            if line_no == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM some editors write
            if not raw.strip():
                continue
            seen_any = True
            record = _parse_line(raw, line_no, checker)
            if record is None:
                continue
            problems = check_columns(record, file=str(path), row=line_no, noun="key")
            checker.errors.extend(problems)
            if not problems:
                yield line_no, record
    if not seen_any:
        raise InputError("file is empty (expected one JSON object per line)", file=str(path))


def _parse_line(raw: bytes, line_no: int, checker: RowChecker) -> dict[str, object] | None:
    """The line's JSON object with canonical keys, or None after recording why not."""
    file = checker.file
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        checker.errors.append(InputError("invalid UTF-8", file=file, row=line_no))
        return None
    except json.JSONDecodeError as exc:
        message = f"malformed JSON: {exc.msg} at column {exc.colno}"
        checker.errors.append(InputError(message, file=file, row=line_no))
        return None
    if not isinstance(value, dict):
        message = f"expected a JSON object, got {type(value).__name__}"
        checker.errors.append(InputError(message, file=file, row=line_no))
        return None
    return {column_key(str(k)): v for k, v in value.items()}
