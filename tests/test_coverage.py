"""Coverage: decisions override suggestions; gaps and summary counts."""

from __future__ import annotations

from outcome_matcher.retrieval.matcher import CellScore
from outcome_matcher.review.coverage import (
    LinkVerdict,
    RequirementRef,
    cell_status,
    compute_coverage,
)

REQS = [
    RequirementRef("c:a", "alpha", essential=True, unit="U1"),
    RequirementRef("c:b", "beta", essential=True, unit="U1"),
    RequirementRef("c:c", "gamma", essential=False, unit="U1"),
    RequirementRef("c:d", "delta", essential=True, unit="U2"),
]


def _score(value: float) -> CellScore:
    return CellScore(value, "o1", "outcome text", "evidence")


def test_cell_status_decision_wins() -> None:
    assert cell_status(0.99, LinkVerdict("rejected"), 0.5) == "rejected"
    assert cell_status(0.10, LinkVerdict("accepted"), 0.5) == "confirmed"
    assert cell_status(0.10, LinkVerdict("partial"), 0.5) == "partial"
    assert cell_status(0.60, None, 0.5) == "suggested"
    assert cell_status(0.40, None, 0.5) == "none"
    assert cell_status(None, None, 0.5) == "none"


def test_compute_coverage_statuses_and_summary() -> None:
    scores = {
        ("M1", "c:a"): _score(0.9),
        ("M2", "c:a"): _score(0.7),
        ("M1", "c:b"): _score(0.95),
        ("M2", "c:c"): _score(0.6),
        ("M1", "c:d"): _score(0.2),
    }
    verdicts = {
        ("M2", "c:a"): LinkVerdict("accepted", "exact", "rita", 1),
        ("M1", "c:b"): LinkVerdict("rejected", None, "rita", 1),
    }
    cov = compute_coverage(REQS, ["M1", "M2"], scores, verdicts, threshold=0.5, over_covered_at=2)
    by_id = {r.competency_id: r for r in cov.requirements}
    assert by_id["c:a"].status == "confirmed"
    assert [c.module_code for c in by_id["c:a"].covering] == ["M2", "M1"]  # confirmed first
    assert by_id["c:a"].over_covered
    assert by_id["c:b"].status == "gap"  # the only high score was rejected
    assert by_id["c:c"].status == "suggested"
    assert by_id["c:d"].status == "gap"
    assert [r.competency_id for r in cov.gaps()] == ["c:b", "c:d"]
    s = cov.summary
    assert (s.essential, s.optional) == (3, 1)
    assert (s.essential_confirmed, s.essential_suggested) == (1, 0)
    assert (s.optional_confirmed, s.optional_suggested) == (0, 1)
    assert [r.competency_id for r in cov.requirements] == ["c:a", "c:b", "c:c", "c:d"]
