"""Calibration: the logistic fit recovers a known curve; operating point, threshold, bins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from outcome_matcher.retrieval.calibration import (
    Calibration,
    Candidate,
    best_f1_cut,
    candidates_of,
    expected_calibration_error,
    fit_calibration,
    fit_logistic,
    isotonic_knots,
    reliability_table,
)


def test_fit_recovers_a_known_logistic_curve() -> None:
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.7, 1.0, 20_000)
    gaps = rng.uniform(0.0, 0.1, 20_000)
    true_p = 1 / (1 + np.exp(-(40 * scores - 30 * gaps - 34)))
    accepted = rng.uniform(size=scores.size) < true_p
    weights, intercept = fit_logistic(np.column_stack([scores, gaps]), accepted.tolist())
    assert weights[0] == pytest.approx(40, rel=0.1)
    assert weights[1] == pytest.approx(-30, rel=0.2)
    assert intercept == pytest.approx(-34, rel=0.1)


def test_gap_and_rank_lower_confidence_at_the_same_score() -> None:
    rng = np.random.default_rng(1)
    candidates: list[Candidate] = []
    accepted: list[bool] = []
    for _ in range(3000):
        scores = sorted(rng.uniform(0.75, 0.95, 5).tolist(), reverse=True)
        for c in candidates_of(scores):
            candidates.append(c)
            # Higher scores are right more often, but mostly when nothing else comes close.
            p = (c.score - 0.7) * (4.0 if c.gap < 0.01 else 0.5)
            accepted.append(bool(rng.uniform() < p))
    cal = fit_calibration(candidates, accepted, model_name="m", fitted_on="synthetic")
    assert cal.weights[cal.features.index("gap")] < 0
    assert cal.confidence(0.85, gap=0.05, rank=3) < cal.confidence(0.85)
    assert 0.0 < cal.min_confidence < 1.0
    # The raw-score threshold is where a best candidate reaches the operating confidence.
    assert cal.confidence(cal.threshold) == pytest.approx(cal.min_confidence, abs=2e-3)


def test_operating_point_maximises_f1() -> None:
    conf = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    accepted = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    # cuts: 0.9 -> F1 2/5; 0.8 -> 4/6; 0.7 -> 4/7; 0.6 -> 6/8; 0.5 -> 6/9 (4 gold in all)
    assert best_f1_cut(conf, accepted, n_gold=4) == 0.6


def test_fit_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        fit_logistic(np.array([[0.9], [0.8]]), [True, True])


def test_save_and_load(tmp_path: Path) -> None:
    cal = Calibration("m", (30.0, -5.0, -0.2), -26.0, 0.8667, 0.4, ("score", "gap", "log_rank"))
    cal.save(tmp_path / "m" / "calibration.json")
    assert Calibration.load(tmp_path / "m" / "calibration.json") == cal


def test_reliability_table_bins_and_calibration_error() -> None:
    rows = reliability_table([0.05, 0.15, 0.95, 0.91], [False, False, True, False], bins=10)
    assert rows[0] == (0.0, pytest.approx(0.1), 1, 0.0)
    assert rows[-1][2:] == (2, 0.5)
    assert expected_calibration_error([0.25, 0.25, 0.25, 0.25], [True, False, False, False]) == 0
    assert expected_calibration_error([0.9, 0.9], [False, False]) == pytest.approx(0.9)


def test_isotonic_step_repairs_a_logistic_that_understates_the_top() -> None:
    rng = np.random.default_rng(2)
    values = rng.uniform(0.0, 0.5, 20_000)
    # True acceptance is a steep curve that a logistic value of at most 0.5 understates.
    accepted = (rng.uniform(size=values.size) < np.clip((values - 0.3) * 5, 0, 1)).astype(float)
    knots_in, knots_out = isotonic_knots(values, accepted)
    assert list(knots_out) == sorted(knots_out)  # non-decreasing
    assert list(knots_in) == sorted(knots_in)
    assert float(np.interp(0.45, knots_in, knots_out)) == pytest.approx(0.75, abs=0.08)
    assert float(np.interp(0.1, knots_in, knots_out)) == pytest.approx(0.0, abs=0.02)
