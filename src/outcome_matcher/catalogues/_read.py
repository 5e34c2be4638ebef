"""Reading catalogue files: bytes to text, CSV rows with spreadsheet row numbers, JSON/YAML."""

from __future__ import annotations

import bisect
import csv
import difflib
import io
import json
import json.decoder
import json.scanner
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from outcome_matcher.errors import InputError

# Nested objects carry the line they start on under this key, which no user key can equal.
LINE_KEY = "\x00line"


def read_text(path: Path) -> str:
    """The file's text; invalid UTF-8 names the line and byte offset of the first bad byte."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start}, "
            f"line {line}); save the file as UTF-8",
            file=str(path),
            row=line,
            byte_offset=exc.start,
        ) from exc


def closest(name: str, options: list[str]) -> str | None:
    """The expected name a misspelt one most likely meant, if any is close."""
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.7)
    return found[0] if found else None


def canonical_column(header: str) -> str:
    """ "Programme Code" and "programme-code" both mean programme_code."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def _delimiter(text: str) -> str:
    # Spreadsheets in many locales save CSV with ";" (or tabs); the header decides.
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row, cells) pairs; the header is row 1 and the first data row is row 2."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    for index, cells in enumerate(reader):
        yield index + 1, cells


def _json_with_lines(text: str) -> Any:
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        obj[LINE_KEY] = bisect.bisect_left(newlines, s_and_end[1]) + 1
        return obj, end

    # The pure-Python scanner calls parse_object, so objects learn their line; the C one
    # would not.
    vars(decoder)["parse_object"] = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def _with_lines(node: Any, loader: Any) -> Any:
    """Python data from a composed YAML node; mappings record the line they start on."""
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {
            _with_lines(key, loader): _with_lines(value, loader) for key, value in node.value
        }
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_with_lines(item, loader) for item in node.value]
    return loader.construct_object(node, deep=True)


def _yaml_with_lines(text: str) -> Any:
    # compose() keeps the positions that safe_load() drops; scalars are then built by the
    # safe constructor, so no tag can run code.
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return None if node is None else _with_lines(node, yaml.SafeLoader(""))


def nested_data(text: str, path: Path) -> Any:
    """Parse JSON or YAML; syntax errors name the line."""
    try:
        if path.suffix.lower() == ".json":
            return _json_with_lines(text)
        return _yaml_with_lines(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=str(path), row=exc.lineno) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError(f"invalid YAML: {exc}", file=str(path), row=row) from exc
