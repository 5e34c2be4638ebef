"""Store: append-only decisions, optimistic versioning, roles, re-review flags, concurrency."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import outcome_matcher.store.decisions as decisions_module
from outcome_matcher.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from outcome_matcher.store import DecisionCreate, DecisionPublic, Store, UserInfo
from test_store_support import BACKENDS, catalogue, framework, open_store

SKILL0 = "http://example.org/skill/0"
SKILL3 = "http://example.org/skill/3"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        s.add_framework(framework())
        s.add_catalogue(catalogue())
        yield s


@pytest.fixture
def rita(store: Store) -> UserInfo:
    return store.add_user("rita", "reviewer")[0]


def link(
    version: int, verdict: str = "accepted", uri: str = SKILL0, **extra: str
) -> DecisionCreate:
    return DecisionCreate.model_validate(
        {
            "programme": "P1",
            "module": "M1",
            "framework": "demo",
            "competency_id": uri,
            "verdict": verdict,
            "relation": None if verdict == "rejected" else "exact",
            "reason": f"v{version + 1}",
            "expected_version": version,
            **extra,
        }
    )


def test_decisions_supersede_and_keep_history(store: Store, rita: UserInfo) -> None:
    first = store.decide(link(0), rita)
    assert (first.version, first.supersedes, first.reviewer, first.catalogue) == (
        1,
        None,
        "rita",
        "uni",
    )
    second = store.decide(link(1, "rejected"), rita)
    assert (second.version, second.supersedes, second.verdict) == (2, first.id, "rejected")
    history = store.decision_history(programme="P1", module="M1", framework="demo")
    assert history == [first, second]  # nothing overwritten
    assert store.current_decisions("P1", "demo") == [second]
    assert store.decision_history(competency_id=SKILL3) == []


def test_stale_version_conflicts_with_current_state(store: Store, rita: UserInfo) -> None:
    store.decide(link(0), rita)
    with pytest.raises(ConflictError, match="at version 1, not 0") as err:
        store.decide(link(0, "rejected"), rita)
    assert err.value.status == 409
    assert err.value.context["current_version"] == 1
    assert DecisionPublic.model_validate(err.value.context["current"]).verdict == "accepted"
    with pytest.raises(ConflictError):
        store.decide(link(5), rita)
    assert len(store.decision_history()) == 1


def test_roles(store: Store, rita: UserInfo) -> None:
    auditor, _ = store.add_user("ada", "auditor")
    admin, _ = store.add_user("root", "admin")
    with pytest.raises(ForbiddenError, match="auditor"):
        store.decide(link(0), auditor)
    recorded = store.decide(link(0), admin)  # the caller is always the author
    assert recorded.reviewer == "root"
    assert store.audit_entries(entity="decision")[0].actor == "root"
    store.set_user_active("rita", False)
    with pytest.raises(ForbiddenError, match="deactivated"):
        store.decide(link(1), rita)
    with pytest.raises(ForbiddenError):
        store.decide(link(0), UserInfo(name="ghost", role="admin"))


def test_decision_validation(store: Store, rita: UserInfo) -> None:
    with pytest.raises(ValidationError, match="needs a relation"):
        DecisionCreate(
            programme="P1", module="M1", framework="demo", competency_id=SKILL0,
            verdict="accepted", expected_version=0,
        )  # fmt: skip
    with pytest.raises(NotFoundError, match="unknown competency"):
        store.decide(link(0, uri="http://example.org/nope"), rita)
    with pytest.raises(NotFoundError, match="unknown module"):
        store.decide(link(0).model_copy(update={"module": "M9"}), rita)
    with pytest.raises(NotFoundError, match="unknown framework"):
        store.decide(link(0).model_copy(update={"framework": "nope"}), rita)
    with pytest.raises(InputError, match="module filter needs"):
        store.decision_history(module="M1")


def test_standard_filter(store: Store, rita: UserInfo) -> None:
    store.decide(link(0), rita)
    store.decide(link(0, uri=SKILL3), rita)  # skill 3 is in no standard
    assert [d.competency_id for d in store.decision_history(framework="demo", standard="dev")] == [
        SKILL0
    ]
    assert store.current_decisions("P1", "demo", standard="ops") == []


def test_framework_replace_keeps_and_flags_decisions(store: Store, rita: UserInfo) -> None:
    for i in range(4):
        store.decide(link(0, uri=f"http://example.org/skill/{i}"), rita)
    # v2: skill 1 relabelled, skill 3 gone (n=3 keeps 0, 1, 2).
    store.add_framework(framework(version="2", n=3, **{"1": "renamed"}), replace=True)
    current = {d.competency_id.rsplit("/", 1)[1]: d for d in store.current_decisions("P1", "demo")}
    assert set(current) == {"0", "1", "2", "3"}  # all kept
    assert not current["0"].needs_review and not current["2"].needs_review
    assert current["1"].review_reason == "competency label changed in framework version 2"
    assert current["3"].review_reason == "competency removed in framework version 2"
    # A competency that left the framework can be re-reviewed but not newly linked.
    redo = store.decide(link(1, "rejected", uri=SKILL3), rita)
    assert redo.version == 2 and not redo.needs_review
    store.remove_framework("demo")
    assert all(d.needs_review for d in store.current_decisions("P1", "demo"))


def test_writes_are_audited(store: Store, rita: UserInfo) -> None:
    store.decide(link(0), rita)
    actions = [e.action for e in store.audit_entries(limit=10)]
    assert actions[:2] == ["decision.add", "user.add"]
    assert {"framework.add", "catalogue.import"} <= set(actions)
    [entry] = store.audit_entries(entity="decision")
    assert entry.actor == "rita" and entry.detail["version"] == 1
    assert entry.entity_key == f"uni/P1/M1|demo|{SKILL0}"


def _race(
    store: Store, reviewer: UserInfo, n: int
) -> tuple[list[DecisionPublic], list[ConflictError]]:
    barrier = threading.Barrier(n)
    won: list[DecisionPublic] = []
    lost: list[ConflictError] = []
    unexpected: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            won.append(
                store.decide(link(1, "partial").model_copy(update={"reason": f"t{i}"}), reviewer)
            )
        except ConflictError as exc:
            lost.append(exc)
        except BaseException as exc:  # surfaced in the main thread below
            unexpected.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert unexpected == []
    return won, lost


@pytest.mark.parametrize("overlap", [False, True], ids=["free", "forced-overlap"])
def test_concurrent_decisions_one_winner(
    store: Store, rita: UserInfo, monkeypatch: pytest.MonkeyPatch, overlap: bool
) -> None:
    store.decide(link(0), rita)
    if overlap:
        # Every writer reads version 1 before any inserts: only the (link, version) unique index
        # can then stop a lost update (SQLite's BEGIN IMMEDIATE serialises writers instead).
        real = decisions_module._current

        def slow_current(*args: Any) -> DecisionPublic | None:
            found = real(*args)
            time.sleep(0.3)
            return found

        monkeypatch.setattr(decisions_module, "_current", slow_current)
    n = 6
    won, lost = _race(store, rita, n)
    assert len(won) == 1 and len(lost) == n - 1
    winner = won[0]
    assert winner.version == 2
    for exc in lost:  # every loser sees the winner's state, so nothing is lost silently
        assert exc.context["current"]["id"] == winner.id
        assert exc.context["current_version"] == 2
    history = store.decision_history(programme="P1", module="M1")
    assert [d.version for d in history] == [1, 2]
    assert history[1].reason == winner.reason
