"""Ranking that remembers: a k-NN memory over reviewed statements, fused with the model's score.

A reviewed statement (an outcome with decisions) keeps its query vector and, per competency,
+1 for an accepted link and -1 for a rejected one. For a new statement, its nearest reviewed
statements above `min_similarity` (other universities' versions of the same course) vote:
`memory_pos` is the highest similarity of a neighbour that accepted the competency, and
`memory_neg` that of one that rejected it. A small logistic fusion over the calibration's
features plus those two, fitted on decisions, turns them into a probability that ranks. Pure:
the store (or a simulation) feeds it vectors and verdicts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.retrieval.calibration import Candidate, fit_logistic

FUSION_FEATURES = ("score", "gap", "log_rank", "memory_pos", "memory_neg")


@dataclass(frozen=True)
class Reviewed:
    """One reviewed statement: its id and its verdicts, competency id -> +1 accepted / -1."""

    id: str
    verdicts: Mapping[str, int]


class DecisionMemory:
    """Query vectors of reviewed statements (unit length) and their verdicts."""

    def __init__(
        self,
        vectors: NDArray[np.float32],
        reviewed: Sequence[Reviewed],
        *,
        k: int = 10,
        min_similarity: float = 0.85,
    ) -> None:
        if len(vectors) != len(reviewed):
            raise ValueError("one vector per reviewed statement")
        self.vectors = np.asarray(vectors, dtype=np.float32).reshape(len(reviewed), -1)
        self.reviewed = list(reviewed)
        self.k = k
        self.min_similarity = min_similarity

    def __len__(self) -> int:
        return len(self.reviewed)

    def signals(
        self,
        queries: NDArray[np.float32],
        candidates: Sequence[Sequence[str]],
        *,
        exclude: Sequence[str | None] | None = None,
    ) -> list[list[tuple[float, float]]]:
        """Per query and candidate competency: (memory_pos, memory_neg).

        `exclude` names, per query, a reviewed statement to leave out (the query itself, when
        the fusion is fitted on the memory's own statements).
        """
        out: list[list[tuple[float, float]]] = []
        if not self.reviewed:
            return [[(0.0, 0.0)] * len(row) for row in candidates]
        sims = np.asarray(queries, dtype=np.float32) @ self.vectors.T
        for i, row in enumerate(candidates):
            skip = exclude[i] if exclude is not None else None
            out.append(self._signals_of(sims[i], row, skip))
        return out

    def _signals_of(
        self, sims: NDArray[np.float32], row: Sequence[str], skip: str | None
    ) -> list[tuple[float, float]]:
        order = np.argsort(-sims, kind="stable")[: self.k + 1]
        pos: dict[str, float] = {}
        neg: dict[str, float] = {}
        taken = 0
        for j in order:
            sim = float(sims[j])
            if sim < self.min_similarity or taken >= self.k:
                break
            if self.reviewed[j].id == skip:
                continue
            taken += 1
            for competency, verdict in self.reviewed[j].verdicts.items():
                side = pos if verdict > 0 else neg
                side[competency] = max(side.get(competency, 0.0), sim)
        return [(pos.get(c, 0.0), neg.get(c, 0.0)) for c in row]


def fusion_features(candidate: Candidate, signal: tuple[float, float]) -> list[float]:
    return [
        candidate.score,
        candidate.gap,
        math.log(max(candidate.rank, 1)),
        signal[0],
        signal[1],
    ]


@dataclass(frozen=True)
class Fusion:
    """p(accept) = sigmoid(weights · (score, gap, log_rank, memory_pos, memory_neg) + b)."""

    weights: tuple[float, ...]
    intercept: float
    n_decisions: int = 0
    fitted_on: str = ""

    def probability(self, candidate: Candidate, signal: tuple[float, float]) -> float:
        x = fusion_features(candidate, signal)
        z = sum(w * v for w, v in zip(self.weights, x, strict=True)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))

    def rerank(
        self,
        candidates: Sequence[Candidate],
        ids: Sequence[str],
        signals: Sequence[tuple[float, float]],
    ) -> list[tuple[str, float]]:
        """(competency id, fused probability), best first."""
        scored = [
            (cid, self.probability(c, s))
            for cid, c, s in zip(ids, candidates, signals, strict=True)
        ]
        return sorted(scored, key=lambda pair: -pair[1])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Fusion:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["weights"] = tuple(data["weights"])
        return cls(**data)


def fit_fusion(
    candidates: Sequence[Candidate],
    signals: Sequence[tuple[float, float]],
    accepted: Sequence[bool],
    *,
    fitted_on: str = "",
) -> Fusion:
    """Fit the fusion's weights on decided candidates (their memory signals leave-one-out)."""
    x = np.asarray(
        [fusion_features(c, s) for c, s in zip(candidates, signals, strict=True)],
        dtype=np.float64,
    )
    weights, intercept = fit_logistic(x, accepted, ridge=1e-3)
    return Fusion(
        tuple(round(float(w), 6) for w in weights),
        round(intercept, 6),
        n_decisions=len(accepted),
        fitted_on=fitted_on,
    )
