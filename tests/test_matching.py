"""Matcher: statements, modules and the reverse direction, on a tiny real model."""

from __future__ import annotations

import pytest

from outcome_matcher.embedding import Encoder
from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.index import FrameworkIndex
from outcome_matcher.matching import Matcher, ModuleOutcomes, OutcomeText
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
