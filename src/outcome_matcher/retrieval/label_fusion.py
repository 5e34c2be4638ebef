"""Scoring a statement against labels in its own language: the mean of two cosines.

A framework indexed with labels in other languages (ESCO with German, Russian, Kazakh ...
labels) holds rows in several languages. Cosines across languages are not comparable: a
Russian label scores higher against a Russian query than the right English label does, and
a best-of-all-rows ranking lets any label in the query's language outscore the right
English one. So a query in language L scores each competency by the mean of its best
own-language cosine and its best L-label cosine (docs/evaluation.md, "Labels in the users'
languages"); a competency without an L label keeps its own-language cosine. A query in the
framework's own language is scored by its own-language rows only, and a query in any other
language (or undetected) by the best of all rows, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# How many queries are compared with every row at once (memory: rows x this x 4 bytes).
CHUNK = 32
ALL_ROWS = "*"


@dataclass(frozen=True)
class LanguageGroup:
    """The index rows of one language, grouped by competency for a segment-wise max."""

    rows: np.ndarray  # row numbers, sorted by competency
    starts: np.ndarray  # where each competency's segment starts in `rows`
    competencies: np.ndarray  # the competency position of each segment

    @classmethod
    def of(cls, row_competency: np.ndarray, selected: np.ndarray) -> LanguageGroup:
        rows = np.flatnonzero(selected)
        rows = rows[np.argsort(row_competency[rows], kind="stable")]
        owners = row_competency[rows]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(rows) else rows
        return cls(rows=rows, starts=starts, competencies=owners[starts] if len(rows) else rows)

    def best(self, sims: np.ndarray, n_competencies: int) -> tuple[np.ndarray, np.ndarray]:
        """Per competency, the best cosine among this group's rows (-inf: none) and that row."""
        scores = np.full(n_competencies, -np.inf, dtype=np.float32)
        best_rows = np.full(n_competencies, -1, dtype=np.int64)
        if not len(self.rows):
            return scores, best_rows
        values = sims[self.rows]
        maxima = np.maximum.reduceat(values, self.starts)
        scores[self.competencies] = maxima
        # The row of each maximum: the first row of its segment that reaches it.
        segment = np.repeat(np.arange(len(self.starts)), np.diff(np.r_[self.starts, len(values)]))
        hit = np.flatnonzero(values == maxima[segment])
        first = hit[np.r_[True, segment[hit][1:] != segment[hit][:-1]]]
        best_rows[self.competencies] = self.rows[first]
        return scores, best_rows


def plan(lang: str | None, own: str, fused: Sequence[str]) -> str:
    """How a query in `lang` is scored: "" own rows only, a language code: mean with that
    language's labels, ALL_ROWS: the best of every row (unknown or unlabelled language)."""
    if lang == own:
        return ""
    return lang if lang is not None and lang in fused else ALL_ROWS


def fuse(
    sims: np.ndarray,
    own: LanguageGroup,
    other: LanguageGroup | None,
    n_competencies: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and evidence rows of one query: the mean of the own and `other` best cosines
    where a competency has both, else the own best (`other` None: the own best alone)."""
    scores, rows = own.best(sims, n_competencies)
    if other is None:
        return scores, rows
    theirs, their_rows = other.best(sims, n_competencies)
    both = np.isfinite(theirs) & np.isfinite(scores)
    scores = scores.copy()
    scores[both] = (scores[both] + theirs[both]) / 2
    # The evidence shown is the label in the user's language.
    rows = np.where(both, their_rows, rows)
    return scores, rows


def top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best finite scores, best first (ties: lower position first)."""
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > k:
        part = np.argpartition(-scores[finite], k - 1)[:k]
        finite = finite[part]
    order = np.lexsort((finite, -scores[finite]))
    return finite[order]
