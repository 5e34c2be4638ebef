"""The `withdrawn` verdict at the database level: migration 0006, re-review flags, downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.frameworks import load_framework
from outcome_matcher.store import DecisionCreate, Store, UserInfo, downgrade, upgrade
from outcome_matcher.store.flags import current_rows
from outcome_matcher.store.tables import DecisionRow, UserRow, utcnow
from outcome_matcher.store.tables_flags import DecisionFlagRow

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
PROGRAMME = "BSC-SD"


@pytest.fixture()
def env(tmp_path: Path) -> Iterator[tuple[Store, UserInfo, str]]:
    url = "sqlite:///" + str(tmp_path / "store.db")
    store = Store.open(url, migrate=True)
    csv = CORPORA / "standards" / "example_software_developer_level6.csv"
    store.add_framework(load_framework(csv, "csv", name="example"))
    store.add_catalogue(load_catalogue(CORPORA / "samples" / "software_developer_en.yaml"))
    yield store, store.add_user("reviewer", "reviewer")[0], url
    store.close()


def accept(store: Store, user: UserInfo, module: str, competency: str) -> int:
    d = DecisionCreate(
        programme=PROGRAMME,
        module=module,
        framework="example",
        competency_id=competency,
        verdict="accepted",
        relation="exact",
        expected_version=0,
    )
    return store.decide(d, user).id


def append(store: Store, decision_id: int, verdict: str) -> None:
    """The next version of a link with `verdict`, as the store's decide will write it."""
    with Session(store.engine) as s, s.begin():
        prior = s.get_one(DecisionRow, decision_id)
        s.add(
            DecisionRow(
                module_id=prior.module_id,
                framework=prior.framework,
                competency_uri=prior.competency_uri,
                evidence_outcome_key=None,
                verdict=verdict,
                relation=None,
                reason="undo",
                reviewer_id=s.scalar(select(UserRow.id)),
                created=utcnow(),
                version=prior.version + 1,
                supersedes_id=prior.id,
            )
        )


def flags(store: Store) -> dict[tuple[str, int], bool]:
    with Session(store.engine) as s:
        rows = s.execute(
            select(
                DecisionRow.competency_uri, DecisionRow.version, DecisionFlagRow.reason
            ).outerjoin(DecisionFlagRow, DecisionFlagRow.decision_id == DecisionRow.id)
        )
        return {(uri, version): reason is not None for uri, version, reason in rows}


def test_withdrawn_is_stored_and_leaves_nothing_to_re_review(
    env: tuple[Store, UserInfo, str],
) -> None:
    store, user, _ = env
    modules = [m.code for m in store.get_programme(PROGRAMME).modules]
    kept = accept(store, user, modules[0], "EX-SD6-U1-01")
    withdrawn = accept(store, user, modules[1], "EX-SD6-U1-02")
    append(store, withdrawn, "withdrawn")
    with Session(store.engine) as s:
        assert [r[2] for r in current_rows(s)] == ["EX-SD6-U1-01"]
    with pytest.raises(IntegrityError):
        append(store, kept, "bogus")
    store.remove_framework("example")  # flags the current decisions for re-review
    assert flags(store) == {
        ("EX-SD6-U1-01", 1): True,
        ("EX-SD6-U1-02", 1): False,  # superseded: history, not current
        ("EX-SD6-U1-02", 2): False,  # withdrawn: the link is undecided
    }


def test_downgrade_refuses_while_withdrawn_decisions_exist(
    env: tuple[Store, UserInfo, str],
) -> None:
    store, user, url = env
    module = store.get_programme(PROGRAMME).modules[0].code
    first = accept(store, user, module, "EX-SD6-U1-01")
    append(store, first, "withdrawn")
    with pytest.raises(RuntimeError, match="1 withdrawn decision"):
        downgrade(url, "0002")
    downgrade(url, "0007")  # before the append-only triggers (0009), deleting is possible
    with Session(store.engine) as s, s.begin():
        s.execute(delete(DecisionRow).where(DecisionRow.verdict == "withdrawn"))
    store.close()
    downgrade(url, "0002")
    with pytest.raises(IntegrityError):
        append(store, first, "withdrawn")


def test_migrating_across_0006_keeps_superseding_decisions(
    env: tuple[Store, UserInfo, str],
) -> None:
    """0006 changes the verdict CHECK without copying `decisions` on SQLite: with foreign keys
    on, a copy fails as soon as one decision supersedes another."""
    store, user, url = env
    first = accept(store, user, "SD101", "EX-SD6-U1-01")
    again = DecisionCreate(
        programme=PROGRAMME,
        module="SD101",
        framework="example",
        competency_id="EX-SD6-U1-01",
        verdict="rejected",
        reason="not taught",
        expected_version=1,
    )
    second = store.decide(again, user).id
    store.close()
    downgrade(url, "0005")
    upgrade(url, "head")
    reopened = Store.open(url)
    try:
        history = reopened.decision_history(programme=PROGRAMME)
    finally:
        reopened.close()
    assert [(d.id, d.supersedes) for d in history] == [(first, None), (second, first)]
