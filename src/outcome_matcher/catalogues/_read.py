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


# YAML from outside is refused beyond these: aliases to mappings or lists (each may double
# what the file expands to: 324 bytes of nested aliases took 42 s and 2.2 GB), nesting depth
# (the composer recurses) and the number of nodes after alias expansion.
MAX_COLLECTION_ALIASES = 50
MAX_DEPTH = 100
MAX_EXPANDED_NODES = 1_000_000


class _GuardedLoader(yaml.SafeLoader):
    """A SafeLoader whose composer refuses alias bombs and excessive nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.collection_aliases = 0
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if isinstance(target, yaml.MappingNode | yaml.SequenceNode):
                self.collection_aliases += 1
                if self.collection_aliases > MAX_COLLECTION_ALIASES:
                    raise _refused(
                        f"more than {MAX_COLLECTION_ALIASES} aliases to lists or "
                        "mappings (alias expansion bomb?)",
                        event,
                    )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _refused(f"nested more than {MAX_DEPTH} levels deep", event)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _refused(problem: str, event: Any) -> yaml.YAMLError:
    return yaml.composer.ComposerError(None, None, problem, event.start_mark)


class _Expander:
    """Python data from a composed YAML node; mappings record the line they start on."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.nodes = 0

    def build(self, node: Any) -> Any:
        # Aliases make the node graph a DAG that expands to a tree: count what is built.
        self.nodes += 1
        if self.nodes > MAX_EXPANDED_NODES:
            raise _refused(f"more than {MAX_EXPANDED_NODES} values after alias expansion", node)
        if isinstance(node, yaml.MappingNode):
            mapping: dict[Any, Any] = {self.build(k): self.build(v) for k, v in node.value}
            mapping[LINE_KEY] = node.start_mark.line + 1
            return mapping
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item) for item in node.value]
        return self.loader.construct_object(node, deep=True)


def _yaml_with_lines(text: str) -> Any:
    # compose() keeps the positions that safe_load() drops; scalars are then built by the
    # safe constructor, so no tag can run code.
    loader = _GuardedLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return None if node is None else _Expander(yaml.SafeLoader("")).build(node)


def yaml_data(text: str, path: Path) -> Any:
    """Parse YAML from outside (guarded as above); syntax errors name the line."""
    try:
        return _yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        # Problem and position only: str(exc) would quote the file's lines into the message.
        problem = getattr(exc, "problem", None) or type(exc).__name__
        where = f" (line {row}, column {mark.column + 1})" if mark is not None else ""
        raise InputError(f"invalid YAML: {problem}{where}", file=str(path), row=row) from exc


def nested_data(text: str, path: Path) -> Any:
    """Parse JSON or YAML; syntax errors name the line."""
    if path.suffix.lower() != ".json":
        return yaml_data(text, path)
    try:
        return _json_with_lines(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=str(path), row=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError("invalid JSON: nested too deeply", file=str(path)) from exc
