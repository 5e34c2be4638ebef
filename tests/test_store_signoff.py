"""Store: standard settings, each reviewer's latest decision, and all-or-nothing imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from outcome_matcher.errors import InputErrors, NotFoundError
from outcome_matcher.store import DecisionCreate, Store, Verdict
from outcome_matcher.store.public import StandardSettings
from test_store_support import BACKENDS, catalogue, framework, open_store

SKILL0 = "http://example.org/skill/0"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        s.add_framework(framework())
        s.add_catalogue(catalogue())
        s.add_user("rita", "reviewer")
        s.add_user("dan", "designer")
        yield s


def _d(
    version: int, verdict: str = "accepted", uri: str = SKILL0, module: str = "M1"
) -> DecisionCreate:
    return DecisionCreate(
        programme="P1",
        module=module,
        framework="demo",
        competency_id=uri,
        verdict=cast(Verdict, verdict),
        relation=None if verdict == "rejected" else "exact",
        reason="r",
        expected_version=version,
    )


def test_standard_settings_upsert_and_survive_framework_reimport(store: Store) -> None:
    assert store.standard_settings("demo", "dev").four_eyes is False
    on = StandardSettings(framework="demo", standard="dev", four_eyes=True)
    store.set_standard_settings(on, actor="admin")
    store.set_standard_settings(on, actor="admin")
    store.add_framework(framework(version="2"), replace=True)
    assert store.standard_settings("demo", "dev").four_eyes is True
    assert store.standard_settings("demo", "ops").four_eyes is False
    with pytest.raises(NotFoundError):
        store.standard_settings("demo", "nope")
    [entry, _] = store.audit_entries(entity="standard")
    assert entry.detail == {"four_eyes": True}


def test_reviewer_decisions_are_each_reviewers_latest(store: Store) -> None:
    rita, dan = store.get_user("rita"), store.get_user("dan")
    store.decide(_d(0), rita)
    second = store.decide(_d(1, "rejected"), rita)
    third = store.decide(_d(2), dan)
    found = store.reviewer_decisions("P1", "demo", standard="dev")
    assert [d.id for d in found] == [second.id, third.id]


def test_import_is_all_or_nothing(store: Store) -> None:
    rita = store.get_user("rita")
    good = [(2, _d(0)), (3, _d(0, uri="http://example.org/skill/1"))]
    bad = [*good, (4, _d(0, module="M9")), (5, _d(0, uri="http://example.org/skill/99"))]
    with pytest.raises(InputErrors) as err:
        store.import_decisions(bad, rita, source="t.csv", field_names={"module": "Source"})
    assert [e.context.get("row") for e in err.value.errors] == [4, 5]
    assert err.value.errors[0].context["field"] == "Source"
    assert store.decision_history() == []
    result = store.import_decisions(good, rita)
    assert (result.imported, result.unchanged) == (2, 0)
    again = store.import_decisions(good, rita)
    assert (again.imported, again.unchanged) == (0, 2)
