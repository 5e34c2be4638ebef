"""Template filters: numbers, times, shortened text and shared-term highlighting."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime

from markupsafe import Markup, escape

_WORD = re.compile(r"\w+", re.UNICODE)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


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
