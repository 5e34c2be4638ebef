"""Decisions and the audit log are append-only by the database, on both backends, for every
connection (the store's own included); re-review flags live beside them and survive migrations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from outcome_matcher.store import DecisionCreate, Store, downgrade, upgrade
from outcome_matcher.store.engine import make_engine
from test_store_support import BACKENDS, backend_url, catalogue, framework

SKILL0 = "http://example.org/skill/0"

REFUSED = [
    "UPDATE decisions SET reason = 'rewritten'",
    "DELETE FROM decisions",
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
]


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with backend_url(request.param, tmp_path) as u:
        yield u


def _decided(url: str) -> Store:
    store = Store.open(url, migrate=True)
    store.add_framework(framework())
    store.add_catalogue(catalogue())
    rita = store.add_user("rita", "reviewer")[0]
    d = DecisionCreate(
        programme="P1",
        module="M1",
        framework="demo",
        competency_id=SKILL0,
        verdict="accepted",
        relation="exact",
        reason="fits",
        expected_version=0,
    )
    store.decide(d, rita)
    return store


def _snapshot(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        decisions = [tuple(r) for r in conn.execute(text("SELECT * FROM decisions ORDER BY id"))]
        audit = [tuple(r) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY id"))]
    return decisions, audit


@pytest.mark.parametrize("statement", REFUSED)
def test_the_stores_own_connection_cannot_rewrite_history(url: str, statement: str) -> None:
    with _decided(url) as store:
        before = _snapshot(store)
        assert before[0] and before[1]
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
        assert _snapshot(store) == before


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_truncate_is_refused_on_postgresql(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path) as url, _decided(url) as store:
        for table in ("decisions", "audit_log"):
            with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {table} CASCADE"))
        assert all(_snapshot(store))


def test_flags_live_beside_decisions_and_survive_the_migration(url: str) -> None:
    with _decided(url) as store:
        # The competency is relabelled: the decision is flagged, without touching its row.
        store.add_framework(framework(version="2", **{"0": "renamed"}), replace=True)
        (flagged,) = store.flagged_decisions()
        assert flagged.needs_review and flagged.review_reason
        before = _snapshot(store)
    downgrade(url, "0007")  # the flag goes back onto the decision row ...
    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT needs_review, review_reason FROM decisions")).one()
    engine.dispose()
    assert bool(row[0]) and row[1] == flagged.review_reason
    upgrade(url)  # ... and out again, with the triggers back
    with Store.open(url, migrate=True) as store:
        assert [d.review_reason for d in store.flagged_decisions()] == [flagged.review_reason]
        assert _snapshot(store) == before
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM decisions"))
