"""The learning-curve simulation on synthetic concepts (the real run is in docs/evaluation.md)."""

from __future__ import annotations

import numpy as np

from outcome_matcher.evaluation.learning_curve import Prepared, simulate, split_by_concept
from outcome_matcher.retrieval.calibration import Calibration


def _synthetic(n: int = 600, seed: int = 0) -> Prepared:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    candidates, scores, gold = [], [], []
    for i in range(n):
        row = sorted(rng.uniform(0.6, 0.95, 10), reverse=True)
        ids = [f"c{(i + j) % 50}" for j in range(10)]
        # The best candidate is right when it scores well: what calibration can learn.
        right = {ids[0]} if rng.random() < (row[0] - 0.6) / 0.35 else set()
        candidates.append(ids)
        scores.append([float(s) for s in row])
        gold.append(frozenset(right or {ids[int(rng.integers(1, 10))]}))
    return Prepared([f"q{i}" for i in range(n)], vectors, candidates, scores, gold)


def test_split_keeps_concepts_whole() -> None:
    pool, held = split_by_concept(11, seed=3)
    assert sorted(pool + held) == list(range(11)) and len(pool) == 5


def test_recalibration_fixes_an_overconfident_model() -> None:
    data = _synthetic()
    overconfident = Calibration("test", (0.0,), 3.0, threshold=0.0)  # always ~0.95
    points = simulate(data, overconfident, steps=(0, 100, 1000), seed=1)
    assert [p.decisions for p in points] == [0, 100, 1000]
    assert len({p.mrr_model for p in points}) == 1  # refitting never re-ranks
    assert points[0].ece_recalibrated == points[0].ece_shipped > 0.5
    assert points[-1].ece_recalibrated < 0.1 and points[-1].ece_memory < 0.1
    assert all(0 <= p.mrr_memory <= 1 for p in points)
