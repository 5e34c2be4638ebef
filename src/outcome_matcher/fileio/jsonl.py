"""One JSON-lines reader for every input that takes JSON lines (suggest, align)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from outcome_matcher.errors import InputError


def read_json_lines(
    lines: Iterable[str], *, source: str, plain: bool = False
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, object) per non-blank line; with `plain`, a line not starting with "{"
    is yielded as its stripped text. Bad JSON raises InputError naming the source and line."""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if plain and not stripped.startswith("{"):
            yield number, stripped
            continue
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise InputError(f"invalid JSON: {error.msg}", file=source, row=number) from None
        if not isinstance(data, dict):
            raise InputError("expected a JSON object", file=source, row=number)
        yield number, data
