"""Undo as a new, superseding decision that restores the link's previous verdict."""

from __future__ import annotations

from dataclasses import dataclass

from outcome_matcher.errors import InputError
from outcome_matcher.store import DecisionCreate, DecisionPublic, Store, UserInfo
from outcome_matcher.web.context import ReviewContext


@dataclass(frozen=True)
class Undone:
    module: str
    competency_id: str
    saved_id: int | None  # the restoring decision, None when there was nothing to restore
    note: str | None


def last_decision(store: Store, user: UserInfo, ctx: ReviewContext) -> DecisionPublic | None:
    history = store.decision_history(
        programme=ctx.programme, catalogue=ctx.catalogue, framework=ctx.framework
    )
    mine = [d for d in history if d.reviewer == user.name]
    return mine[-1] if mine else None


def undo_last(store: Store, user: UserInfo, ctx: ReviewContext) -> Undone | None:
    """Restore what the user's last decision replaced; history keeps both.

    A link's first decision has no earlier verdict to restore (the store has no
    "undecided" verdict), so the reviewer is sent back to it to decide again.
    """
    last = last_decision(store, user, ctx)
    if last is None:
        return None
    prior = _prior(store, last, ctx)
    if prior is None:
        return Undone(last.module, last.competency_id, None, "undo_first")
    create = DecisionCreate(
        programme=ctx.programme,
        catalogue=ctx.catalogue,
        module=last.module,
        framework=ctx.framework,
        competency_id=last.competency_id,
        verdict=prior.verdict,
        relation=prior.relation,
        reason=f"undo of decision #{last.id}; restores #{prior.id}",
        evidence_outcome=prior.evidence_outcome,
        expected_version=last.version,
    )
    try:
        restored = store.decide(create, user)
    except InputError:  # the evidence outcome was removed since: restore without it
        restored = store.decide(create.model_copy(update={"evidence_outcome": None}), user)
    return Undone(last.module, last.competency_id, restored.id, "undone")


def _prior(store: Store, last: DecisionPublic, ctx: ReviewContext) -> DecisionPublic | None:
    if last.supersedes is None:
        return None
    history = store.decision_history(
        programme=ctx.programme,
        catalogue=ctx.catalogue,
        module=last.module,
        framework=ctx.framework,
        competency_id=last.competency_id,
    )
    return next((d for d in history if d.id == last.supersedes), None)
