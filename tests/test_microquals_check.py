"""Checking a proposal against target requirements."""

from __future__ import annotations

import pytest

from microquals_support import ESCO, complete
from outcome_matcher.errors import InputError
from outcome_matcher.microquals.check import TargetMatch, check_proposal

LINKED = ESCO + "d1c1fb3e-d2c4-4bbe-b05d-8d4c2e3e2d1a"  # carries decision 12 in complete()


def test_coverage_level_overlap_and_missing() -> None:
    mq = complete(quality_assurance=None)
    matches = [
        TargetMatch(outcome_index=1, competency_id="t-match", confidence=0.8),
        TargetMatch(outcome_index=0, competency_id="t-weak", confidence=0.3),
    ]
    report = check_proposal(
        mq,
        [LINKED, "t-match", "t-weak"],
        matches,
        operating_point=0.6,
        target_eqf=7,
        module_coverage={"tlu/AI/M1": {"t-match", "x"}, "tlu/AI/M2": {"y"}},
    )
    assert [(c.target, c.outcomes, c.best_confidence) for c in report.covered] == [
        (LINKED, (0,), None),
        ("t-match", (1,), 0.8),
    ]
    assert report.uncovered == ("t-weak",)
    assert report.coverage == pytest.approx(2 / 3, abs=1e-4)
    assert report.level_fit == "below"
    assert [(o.module, o.shared) for o in report.overlap] == [("tlu/AI/M1", ("t-match",))]
    assert report.missing == ("quality_assurance",)


def test_no_targets_or_bad_index_is_input_error() -> None:
    with pytest.raises(InputError, match="no target"):
        check_proposal(complete(), [], [], operating_point=0.5)
    with pytest.raises(InputError, match="no outcome 9"):
        check_proposal(
            complete(),
            ["a"],
            [TargetMatch(outcome_index=9, competency_id="a", confidence=1.0)],
            operating_point=0.5,
        )
