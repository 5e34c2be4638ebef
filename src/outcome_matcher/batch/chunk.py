"""The pure chunk function both engines run: rows in, `suggest` records (plus ids) out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from outcome_matcher.batch.inputs import AlignRow
from outcome_matcher.batch.specs import flush_cache
from outcome_matcher.retrieval.matcher import Matcher, OutcomeText
from outcome_matcher.retrieval.suggest import suggest
from outcome_matcher.schemas import QueryResult, Suggestion


def align_chunk(
    matcher: Matcher,
    framework: str,
    rows: Sequence[AlignRow],
    *,
    top_k: int,
    max_chars: int,
    competency_ids: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One record per row, in row order. Equal texts are embedded once per chunk.

    With `competency_ids` (a standard's requirements) rows are ranked against those
    competencies only, exactly; otherwise against the whole framework index.
    """
    unique = [OutcomeText(id=text, text=text) for text in dict.fromkeys(r.text for r in rows)]
    found = suggest(
        matcher,
        framework,
        unique,
        top_k=top_k,
        max_chars=max_chars,
        batch_size=max(len(unique), 1),
        among=competency_ids,
    )
    by_text = {result.id: result.suggestions for result in found}
    return [record(row, by_text[row.text]) for row in rows]


def chunk_body(
    matcher: Matcher,
    framework: str,
    rows: Sequence[AlignRow],
    *,
    top_k: int,
    max_chars: int,
    competency_ids: Sequence[str] | None = None,
) -> str:
    """A chunk's part file as a worker returns it: JSON lines, with new vectors cached first.

    Cache first, part second: a kill in between only costs recomputing the chunk.
    """
    records = align_chunk(
        matcher, framework, rows, top_k=top_k, max_chars=max_chars, competency_ids=competency_ids
    )
    flush_cache(matcher.encoder)
    return "".join(record_line(r) + "\n" for r in records)


def record(row: AlignRow, suggestions: Sequence[Suggestion]) -> dict[str, Any]:
    """The `suggest` record of one row, plus its programme and module."""
    return {
        "id": row.id,
        "programme": row.programme,
        "module": row.module,
        "suggestions": [s.model_dump(mode="json") for s in suggestions],
    }


def record_line(rec: dict[str, Any]) -> str:
    """One JSON line; fixed key order and no whitespace choices, so bytes are reproducible."""
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def query_result(rec: dict[str, Any]) -> QueryResult:
    """A record as the store takes it (its id is the outcome key)."""
    return QueryResult(id=rec["id"], suggestions=tuple(Suggestion(**s) for s in rec["suggestions"]))
