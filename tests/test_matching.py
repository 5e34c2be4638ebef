"""Matcher: statements, modules and the reverse direction, on a tiny real model."""

from __future__ import annotations

import pytest

from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.retrieval.calibration import Calibration
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher, ModuleOutcomes, OutcomeText
from outcome_matcher.schemas import Competency, Framework

FRAMEWORK = Framework(
    name="mini",
    format="csv",
    competencies=(
        Competency(id="c:db", label="design database scheme", alt_labels=("database design",)),
        Competency(id="c:test", label="execute software tests", alt_labels=("software testing",)),
        Competency(id="c:weld", label="perform fillet welds"),
    ),
)


@pytest.fixture(scope="module")
def matcher(tiny_encoder: Encoder) -> Matcher:
    return Matcher(tiny_encoder, {"mini": FrameworkIndex.build(FRAMEWORK, tiny_encoder)})


def test_suggest_orders_best_first(matcher: Matcher) -> None:
    results = matcher.suggest("mini", ["database design", "software testing"], top_k=2)
    assert len(results) == 2
    for row in results:
        assert len(row) == 2
        assert row[0].score >= row[1].score
    assert results[0][0].competency_id == "c:db"
    assert results[1][0].competency_id == "c:test"


def test_unknown_framework_names_the_known_ones(matcher: Matcher) -> None:
    with pytest.raises(NotFoundError, match="mini"):
        matcher.suggest("esco", ["x"], top_k=1)


def test_empty_statement_is_rejected(matcher: Matcher) -> None:
    with pytest.raises(InputError, match="row 2"):
        matcher.suggest("mini", ["ok", "  "], top_k=1)


def test_module_aggregates_outcomes_with_evidence(matcher: Matcher) -> None:
    module = ModuleOutcomes(
        code="M1",
        title="Databases",
        outcomes=(
            OutcomeText("o1", "database design"),
            OutcomeText("o2", "software testing"),
        ),
    )
    found = matcher.suggest_for_module("mini", module, top_k=3)
    ids = [m.competency_id for m in found]
    assert len(ids) == len(set(ids)) == 3
    db = next(m for m in found if m.competency_id == "c:db")
    assert db.outcome_id == "o1"
    assert db.n_outcomes == 2  # both outcomes list it in their top 3
    assert found == sorted(found, key=lambda m: -m.score)


def test_modules_for_requirement_ranks_modules(matcher: Matcher) -> None:
    modules = [
        ModuleOutcomes("M1", "Databases", (OutcomeText("o1", "database design"),)),
        ModuleOutcomes("M2", "Welding", (OutcomeText("o2", "perform fillet welds"),)),
    ]
    ranked = matcher.modules_for_requirement("mini", "c:weld", modules, top_k=2)
    assert [m.module_code for m in ranked] == ["M2", "M1"]
    assert ranked[0].outcome_id == "o2"
    assert ranked[0].evidence == "perform fillet welds"
    assert matcher.modules_for_requirement("mini", "c:weld", [], top_k=2) == []


def test_calibrated_confidence_uses_rank_and_gap_and_abstains_below_the_operating_point(
    tiny_encoder: Encoder,
) -> None:
    # Confidence falls with the gap to the best candidate; the score weight is 0 so the test
    # does not depend on the tiny model's cosines.
    calibration = Calibration(
        "tiny", (0.0, -200.0), 2.0, threshold=0.0, min_confidence=0.5, features=("score", "gap")
    )
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    matcher = Matcher(tiny_encoder, {"mini": index}, calibration=calibration)
    (row,) = matcher.suggest("mini", ["database design"], top_k=3)
    top = row[0].score
    for s in row:
        assert s.confidence == calibration.confidence(s.score, gap=top - s.score)
    assert row[0].confidence == pytest.approx(0.8808, abs=1e-4)  # sigmoid(2) at gap 0
    (kept,) = matcher.suggest("mini", ["database design"], top_k=3, abstain=True)
    assert kept == [s for s in row if s.confidence is not None and s.confidence >= 0.5]
    assert kept[0] == row[0]


def test_uncalibrated_abstention_uses_the_fallback_threshold_on_the_score(
    tiny_encoder: Encoder,
) -> None:
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    (row,) = Matcher(tiny_encoder, {"mini": index}).suggest("mini", ["database design"], 3)
    floor = (row[0].score + row[1].score) / 2
    strict = Matcher(tiny_encoder, {"mini": index}, default_threshold=floor)
    (kept,) = strict.suggest("mini", ["database design"], 3, abstain=True)
    assert kept == row[:1] and kept[0].confidence is None
