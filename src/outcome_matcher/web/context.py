"""Which programme x standard a page is about, and the links between pages that keep it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query


@dataclass(frozen=True)
class ReviewContext:
    """A programme (with its catalogue when codes clash) against one standard of a framework."""

    programme: str
    framework: str
    standard: str
    catalogue: str | None = None

    def params(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def url(self, path: str, **extra: str | int | None) -> str:
        """`path` with this context and `extra` (None values left out) as the query string."""
        query = self.params() | {k: str(v) for k, v in extra.items() if v is not None}
        return f"{path}?{urlencode(query)}"


def review_context(
    programme: Annotated[str, Query(min_length=1)],
    framework: Annotated[str, Query(min_length=1)],
    standard: Annotated[str, Query(min_length=1)],
    catalogue: Annotated[str | None, Query()] = None,
) -> ReviewContext:
    return ReviewContext(programme, framework, standard, catalogue or None)


ContextDep = Annotated[ReviewContext, Depends(review_context)]


def link(path: str, **params: str | int | None) -> str:
    """`path` with the non-None `params` as its query string."""
    query = {k: str(v) for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(query)}" if query else path
