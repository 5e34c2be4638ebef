"""The k-NN decision memory and its fusion with the score (pure, no model)."""

from __future__ import annotations

import numpy as np

from outcome_matcher.retrieval.calibration import candidates_of
from outcome_matcher.retrieval.memory import DecisionMemory, Reviewed, fit_fusion


def _unit(*rows: list[float]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_near_duplicates_lift_accepted_and_lower_rejected_competencies() -> None:
    memory = DecisionMemory(
        _unit([1, 0, 0], [0, 1, 0]),
        [Reviewed("a", {"C1": 1, "C2": -1}), Reviewed("b", {"C3": 1})],
        min_similarity=0.9,
    )
    query = _unit([0.99, 0.05, 0])  # a near-duplicate of "a", far from "b"
    [signals] = memory.signals(query, [["C1", "C2", "C3", "C4"]])
    assert signals[0][0] > 0.9 and signals[0][1] == 0.0
    assert signals[1][0] == 0.0 and signals[1][1] > 0.9
    assert signals[2] == (0.0, 0.0) and signals[3] == (0.0, 0.0)  # "b" is not near
    # Leave-one-out: a statement never remembers its own verdicts.
    [own] = memory.signals(_unit([1, 0, 0]), [["C1"]], exclude=["a"])
    assert own == [(0.0, 0.0)]


def test_fitted_fusion_reranks_by_memory() -> None:
    rng = np.random.default_rng(0)
    candidates, signals, accepted = [], [], []
    for _ in range(300):
        scores = sorted(rng.uniform(0.7, 0.9, 3), reverse=True)
        for c in candidates_of(scores):
            remembered = rng.random() < 0.5
            candidates.append(c)
            signals.append((0.95, 0.0) if remembered else (0.0, 0.95))
            accepted.append(remembered)  # the memory decides, the score is noise
    fusion = fit_fusion(candidates, signals, accepted)
    assert fusion.weights[3] > 0 > fusion.weights[4]
    row = candidates_of([0.9, 0.8])
    ranked = fusion.rerank(row, ["top", "second"], [(0.0, 0.95), (0.95, 0.0)])
    assert [cid for cid, _ in ranked] == ["second", "top"]
