"""The withdrawn verdict end to end: undoing a first decision, coverage, queue, four-eyes."""

from __future__ import annotations

from typing import Any

from api_support import STANDARD, decision, force_confidence, matcher_of
from conftest import ApiEnv
from outcome_matcher.review.decisions import undo_last
from outcome_matcher.review.mapping_table import export_csv
from outcome_matcher.review.programme import disagreements, load_review, review_queue

PARAMS = {"framework": "demo", "standard": STANDARD}


def _post(env: ApiEnv, body: dict[str, Any], role: str = "reviewer") -> Any:
    return env.client.post("/decisions", json=body, headers=env.auth(role))


def _undo(env: ApiEnv, role: str = "reviewer") -> Any:
    user = env.store.get_user(f"{role}-user")
    return undo_last(env.store, matcher_of(env), user, programme="BSC-SD", framework="demo")


def _review(env: ApiEnv) -> Any:
    return load_review(
        env.store, matcher_of(env), programme="BSC-SD", framework="demo", standard=STANDARD
    )


def test_undoing_a_first_decision_withdraws_it_and_undo_restores_it(api_env: ApiEnv) -> None:
    force_confidence(api_env, high=True)  # every link suggested: undecided means "suggested"
    assert _post(api_env, decision(verdict="rejected", reason="not taught")).status_code == 201
    assert _review(api_env).cell("DB", "SD-01").status == "rejected"
    undone = _undo(api_env)
    assert undone is not None and undone.note == "withdrawn"
    history = api_env.store.decision_history(programme="BSC-SD")
    assert [(d.verdict, d.version) for d in history] == [("rejected", 1), ("withdrawn", 2)]
    assert history[1].supersedes == history[0].id and history[1].relation is None
    review = _review(api_env)
    cell = review.cell("DB", "SD-01")
    # Undecided again: the score decides the status, and the next decision supersedes v2.
    assert (cell.status, cell.version, cell.reviewer) == ("suggested", 2, None)
    queued = [(i.reason, i.cell.module_code, i.cell.competency_id) for i in review_queue(review)]
    assert ("unreviewed", "DB", "SD-01") in queued
    assert "SD-01" not in export_csv(api_env.store, "BSC-SD", "demo")
    # Undoing the withdrawal restores the rejection.
    again = _undo(api_env)
    assert again is not None and again.note == "undone"
    assert [d.verdict for d in api_env.store.decision_history(programme="BSC-SD")] == [
        "rejected",
        "withdrawn",
        "rejected",
    ]
    assert _review(api_env).cell("DB", "SD-01").status == "rejected"


def test_a_withdrawal_needs_a_decided_link_and_carries_no_relation(api_env: ApiEnv) -> None:
    body = decision(verdict="withdrawn", reason="")
    body["relation"] = None
    undecided = _post(api_env, body)
    assert undecided.status_code == 422 and "nothing to withdraw" in undecided.text
    with_relation = _post(api_env, {**body, "relation": "exact"})
    assert with_relation.status_code == 422 and "no relation" in with_relation.text
    assert _post(api_env, decision()).status_code == 201
    assert _post(api_env, {**body, "expected_version": 1}).status_code == 201
    twice = _post(api_env, {**body, "expected_version": 2})
    assert twice.status_code == 422 and "nothing to withdraw" in twice.text


def test_four_eyes_ignores_withdrawn_votes(api_env: ApiEnv) -> None:
    settings = {**PARAMS, "four_eyes": True}
    assert (
        api_env.client.put("/standard-settings", json=settings, headers=api_env.auth("admin"))
    ).status_code == 200
    force_confidence(api_env, high=False)
    assert _post(api_env, decision()).status_code == 201
    assert _undo(api_env) is not None  # the reviewer withdraws their vote
    assert _post(api_env, decision(2), role="designer").status_code == 201
    # The withdrawal is no vote: no disagreement, and one reviewer is not two.
    assert disagreements(api_env.store, "BSC-SD", "demo") == []
    assert _review(api_env).cell("DB", "SD-01").status == "pending"
    assert _post(api_env, decision(3)).status_code == 201
    assert _review(api_env).cell("DB", "SD-01").status == "confirmed"
