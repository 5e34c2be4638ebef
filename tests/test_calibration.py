"""Calibration: Platt fit recovers a known curve; thresholds and reliability bins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from outcome_matcher.calibration import (
    Calibration,
    fit_calibration,
    fit_platt,
    reliability_table,
)


def test_fit_recovers_a_known_logistic_curve() -> None:
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.7, 1.0, 20_000)
    true_p = 1 / (1 + np.exp(-(40 * scores - 34)))
    accepted = rng.uniform(size=scores.size) < true_p
    slope, intercept = fit_platt(scores.tolist(), accepted.tolist())
    assert slope == pytest.approx(40, rel=0.1)
    assert intercept == pytest.approx(-34, rel=0.1)


def test_threshold_is_where_acceptance_becomes_even() -> None:
    scores = [0.80, 0.82, 0.84, 0.86, 0.88, 0.90] * 50
    accepted = [False, False, False, True, True, True] * 50
    cal = fit_calibration(scores, accepted, model_name="m", fitted_on="synthetic")
    assert 0.84 < cal.threshold < 0.86
    assert cal.confidence(cal.threshold) == pytest.approx(0.5, abs=1e-3)
    assert cal.confidence(0.95) > 0.9 > 0.1 > cal.confidence(0.75)


def test_fit_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        fit_platt([0.9, 0.8], [True, True])


def test_save_and_load(tmp_path: Path) -> None:
    cal = Calibration("m", 30.0, -26.0, 0.8667, fitted_on="x")
    cal.save(tmp_path / "m" / "calibration.json")
    assert Calibration.load(tmp_path / "m" / "calibration.json") == cal


def test_reliability_table_bins() -> None:
    rows = reliability_table([0.05, 0.15, 0.95, 0.91], [False, False, True, False], bins=10)
    assert rows[0] == (0.0, pytest.approx(0.1), 1, 0.0)
    assert rows[-1][2:] == (2, 0.5)
