"""Template filters: shortened text and shared-term highlighting (numbers and dates: i18n)."""

from __future__ import annotations

import re
from collections.abc import Collection

from markupsafe import Markup, escape

_WORD = re.compile(r"\w+", re.UNICODE)


def short(text: str | None, limit: int = 48) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def highlight(text: str | None, terms: Collection[str]) -> Markup:
    """Escape `text` and wrap each word whose casefold is in `terms` in <mark>."""
    if not text:
        return Markup("")
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if match.group().casefold() in terms:
            parts.append(str(escape(text[last : match.start()])))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))
