"""Store: catalogue import / re-import, outcome lookups, suggestion runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outcome_matcher.errors import ConflictError, InputError, NotFoundError
from outcome_matcher.schemas import QueryResult, Suggestion, outcome_id
from outcome_matcher.store import DecisionCreate, ImportCounts, Store, UserInfo
from test_store_support import BACKENDS, catalogue, framework, open_store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


def test_import_then_reimport_is_idempotent(store: Store) -> None:
    first = store.add_catalogue(catalogue())
    assert first.programmes == ImportCounts(added=1)
    assert first.modules == ImportCounts(added=2)
    assert first.outcomes == ImportCounts(added=3)
    again = store.add_catalogue(catalogue())
    assert again.outcomes == ImportCounts(unchanged=3)
    assert again.modules == ImportCounts(unchanged=2)
    assert store.get_programme("P1") == catalogue().programmes[0]
    [info] = store.list_catalogues()
    assert (info.name, info.institution, info.n_programmes) == ("uni", "Test University", 1)
    [prog] = store.list_programmes("uni")
    assert (prog.code, prog.n_modules) == ("P1", 2)


def test_reimport_marks_removed_and_restores(store: Store) -> None:
    store.add_catalogue(catalogue())
    changed = catalogue(texts={"M1": ["designs databases", "normalises schemas"]})
    result = store.add_catalogue(changed)
    assert result.outcomes == ImportCounts(added=1, unchanged=1, removed=2)
    assert result.modules == ImportCounts(unchanged=1, removed=1)
    assert store.get_programme("P1") == changed.programmes[0]
    gone = outcome_id("P1", "M1", "writes SQL")
    [ref] = store.get_outcomes([gone])  # removed outcomes stay, marked
    assert ref.status == "removed" and ref.module_code == "M1"
    back = store.add_catalogue(catalogue())
    assert back.outcomes == ImportCounts(added=2, unchanged=1, removed=1)
    assert back.modules == ImportCounts(added=1, unchanged=1)
    assert store.get_outcomes([gone])[0].status == "active"


def test_changed_title_and_position_count_as_updated(store: Store) -> None:
    store.add_catalogue(catalogue())
    swapped = catalogue(texts={"M2": ["tests"], "M1": ["designs databases", "writes SQL"]})
    result = store.add_catalogue(swapped)
    assert result.modules == ImportCounts(updated=2)  # positions changed
    assert result.outcomes == ImportCounts(unchanged=3)


def test_removed_evidence_flags_decisions(store: Store) -> None:
    store.add_framework(framework())
    store.add_catalogue(catalogue())
    reviewer, _ = store.add_user("rita", "reviewer")
    sql_outcome = outcome_id("P1", "M1", "writes SQL")
    for uri, evidence in (
        ("http://example.org/skill/0", sql_outcome),
        ("http://example.org/skill/1", None),
    ):
        store.decide(
            DecisionCreate(
                programme="P1",
                module="M1",
                framework="demo",
                competency_id=uri,
                verdict="accepted",
                relation="close",
                evidence_outcome=evidence,
                expected_version=0,
            ),
            reviewer,
        )
    store.decide(_on_m2(), reviewer)
    result = store.add_catalogue(catalogue(texts={"M1": ["designs databases"]}))
    assert result.flagged_decisions == 2
    flagged = {
        (d.module, d.competency_id): d.review_reason
        for d in store.current_decisions("P1", "demo")
        if d.needs_review
    }
    assert flagged == {
        (
            "M1",
            "http://example.org/skill/0",
        ): f"evidence outcome {sql_outcome} removed from the module",
    }
    m2 = [d for d in store.decision_history(programme="P1", module="M2") if d.needs_review]
    assert [d.review_reason for d in m2] == ["module removed from the catalogue"]


def _on_m2() -> DecisionCreate:
    return DecisionCreate(
        programme="P1",
        module="M2",
        framework="demo",
        competency_id="http://example.org/skill/2",
        verdict="rejected",
        expected_version=0,
    )


def test_outcome_lookups(store: Store) -> None:
    store.add_catalogue(catalogue())
    keys = [outcome_id("P1", "M2", "tests"), outcome_id("P1", "M1", "designs databases")]
    refs = store.get_outcomes(keys)
    assert [(r.outcome_id, r.module_code, r.programme_code) for r in refs] == [
        (keys[0], "M2", "P1"),
        (keys[1], "M1", "P1"),
    ]
    with pytest.raises(NotFoundError, match="nope") as err:
        store.get_outcomes([keys[0], "nope"])
    assert err.value.context["missing"] == ["nope"]
    outs = store.get_module_outcomes("P1", "M1")
    assert [o.text for o in outs] == ["designs databases", "writes SQL"]
    with pytest.raises(NotFoundError):
        store.get_module_outcomes("P1", "M9")
    everything = store.get_programme_outcomes("P1")
    assert [(o.module_code, o.text) for o in everything] == [
        ("M1", "designs databases"),
        ("M1", "writes SQL"),
        ("M2", "tests"),
    ]
    with pytest.raises(NotFoundError):
        store.get_programme("P9")


def test_same_programme_in_two_catalogues(store: Store) -> None:
    store.add_catalogue(catalogue("uni-2024"))
    store.add_catalogue(catalogue("uni-2025"))
    with pytest.raises(InputError, match="several catalogues"):
        store.get_programme("P1")
    assert store.get_programme("P1", "uni-2025").code == "P1"
    key = outcome_id("P1", "M2", "tests")
    with pytest.raises(InputError, match="name the catalogue"):
        store.get_outcomes([key])
    assert store.get_outcomes([key], "uni-2024")[0].catalogue == "uni-2024"
    assert len(store.list_programmes()) == 2


def test_remove_catalogue(store: Store) -> None:
    store.add_framework(framework())
    store.add_catalogue(catalogue())
    reviewer, _ = store.add_user("rita", "reviewer")
    store.decide(_on_m2(), reviewer)
    with pytest.raises(ConflictError, match=r"1 review decision.*append-only"):
        store.remove_catalogue("uni")
    assert len(store.decision_history()) == 1
    store.add_catalogue(catalogue("other"))
    store.remove_catalogue("other")
    assert [c.name for c in store.list_catalogues()] == ["uni"]
    with pytest.raises(NotFoundError):
        store.remove_catalogue("other")


def _results(*keys: str, uri: str = "http://example.org/skill/0") -> list[QueryResult]:
    return [
        QueryResult(
            id=k,
            suggestions=(
                Suggestion(competency_id=uri, label="x", score=0.9, confidence=0.8, evidence="e"),
                Suggestion(competency_id="http://example.org/skill/4", label="y", score=0.5),
            ),
        )
        for k in keys
    ]


def test_suggestion_runs_latest_per_module(store: Store) -> None:
    store.add_framework(framework())
    store.add_catalogue(catalogue())
    m1 = [outcome_id("P1", "M1", t) for t in ("designs databases", "writes SQL")]
    m2 = outcome_id("P1", "M2", "tests")
    run1 = store.add_suggestion_run(
        framework="demo", model_fingerprint="fp", thresholds={"op": 0.5}
    )
    assert store.add_suggestions(run1.id, _results(*m1, m2)) == 6
    run2 = store.add_suggestion_run(
        framework="demo", model_fingerprint="fp2", thresholds={}, params={"top_k": 2}
    )
    store.add_suggestions(run2.id, _results(m2, uri="http://example.org/skill/1"))
    assert store.get_suggestion_run(run2.id).params == {"top_k": 2}
    rows = store.latest_suggestions("P1", "demo")
    assert [(r.module_code, r.run_id) for r in rows] == [("M1", run1.id)] * 4 + [
        ("M2", run2.id)
    ] * 2
    assert rows[0].label == "skill 0" and rows[0].confidence == 0.8 and rows[0].rank == 0
    required = store.latest_suggestions("P1", "demo", standard="dev")
    assert {r.competency_id for r in required} == {
        "http://example.org/skill/0",
        "http://example.org/skill/1",
    }
    with pytest.raises(NotFoundError, match="nope"):
        store.add_suggestions(run1.id, _results("nope"))
    with pytest.raises(NotFoundError):
        store.add_suggestion_run(framework="missing", model_fingerprint="fp", thresholds={})


def test_decide_rejects_unknown_evidence(store: Store) -> None:
    store.add_framework(framework())
    store.add_catalogue(catalogue())
    reviewer = UserInfo(name="rita", role="reviewer")
    store.add_user("rita", "reviewer")
    bad = _on_m2().model_copy(update={"evidence_outcome": outcome_id("P1", "M1", "writes SQL")})
    with pytest.raises(InputError, match="not an active outcome"):
        store.decide(bad, reviewer)
