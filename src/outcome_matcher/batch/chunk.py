"""The pure chunk function both engines run: rows in, `suggest` records (plus ids) out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from outcome_matcher.batch.inputs import AlignRow
from outcome_matcher.batch.models import flush_cache
from outcome_matcher.matching import Matcher
from outcome_matcher.schemas import QueryResult, Suggestion


def align_chunk(
    matcher: Matcher,
    framework: str,
    rows: Sequence[AlignRow],
    *,
    top_k: int,
    competency_ids: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One record per row, in row order. Equal texts are embedded once per chunk.

    With `competency_ids` (a standard's requirements) rows are ranked against those
    competencies only, exactly; otherwise against the whole framework index.
    """
    unique = list(dict.fromkeys(row.text for row in rows))
    if competency_ids is None:
        found = matcher.suggest(framework, unique, top_k)
    else:
        found = _suggest_among(matcher, framework, unique, competency_ids, top_k)
    by_text = dict(zip(unique, found, strict=True))
    return [record(row, by_text[row.text]) for row in rows]


def chunk_body(
    matcher: Matcher,
    framework: str,
    rows: Sequence[AlignRow],
    *,
    top_k: int,
    competency_ids: Sequence[str] | None = None,
) -> str:
    """A chunk's part file as a worker returns it: JSON lines, with new vectors cached first.

    Cache first, part second: a kill in between only costs recomputing the chunk.
    """
    records = align_chunk(matcher, framework, rows, top_k=top_k, competency_ids=competency_ids)
    flush_cache(matcher.encoder)
    return "".join(record_line(r) + "\n" for r in records)


def _suggest_among(
    matcher: Matcher,
    framework: str,
    texts: list[str],
    competency_ids: Sequence[str],
    top_k: int,
) -> list[list[Suggestion]]:
    index = matcher.index(framework)
    if not texts or not competency_ids:
        return [[] for _ in texts]
    scores, evidence = index.score_competencies(
        matcher.encoder.encode_queries(texts), competency_ids
    )
    labels = dict(zip(index.competency_ids, index.competency_labels, strict=True))
    # Stable sort on the negated score: ties keep the standard's order, run after run.
    order = np.argsort(-scores, axis=1, kind="stable")[:, :top_k]
    return [
        [
            _suggestion(
                matcher,
                competency_ids[j],
                labels,
                float(scores[i, j]),
                evidence[j][i],
                top=float(scores[i, order[i][0]]),
                rank=rank,
            )
            for rank, j in enumerate(order[i].tolist(), start=1)
        ]
        for i in range(len(texts))
    ]


def _suggestion(
    matcher: Matcher,
    cid: str,
    labels: dict[str, str],
    score: float,
    evidence: str,
    *,
    top: float,
    rank: int,
) -> Suggestion:
    score = round(score, 6)
    return Suggestion(
        competency_id=cid,
        label=labels[cid],
        score=score,
        confidence=matcher.confidence(score, gap=round(top, 6) - score, rank=rank),
        evidence=evidence,
    )


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
