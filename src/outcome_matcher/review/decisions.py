"""Recording decisions: one function every front end calls (API, web queue, undo), so the
server-side rules (the reason rule, stale versions) hold everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from outcome_matcher.errors import InputError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.rules import enforce_reason_rule
from outcome_matcher.store import DecisionCreate, DecisionPublic, Store, UserInfo


def record_decision(
    store: Store,
    matcher: Matcher,
    decision: DecisionCreate,
    user: UserInfo,
    *,
    undo: bool = False,
) -> DecisionPublic:
    """Apply the reason rule (scored server-side), then append the decision.

    An undo restores a verdict the link already had, so it is exempt from the reason rule;
    a stale `expected_version` still gives ConflictError.
    """
    if not undo:
        enforce_reason_rule(store, matcher, decision)
    return store.decide(decision, user)


@dataclass(frozen=True)
class Undone:
    module: str
    competency_id: str
    saved_id: int | None  # the restoring decision, None when there was nothing to restore
    note: str | None


def last_decision(
    store: Store, user: UserInfo, *, programme: str, framework: str, catalogue: str | None
) -> DecisionPublic | None:
    """The user's newest decision on the programme's links with the framework."""
    history = store.decision_history(programme=programme, catalogue=catalogue, framework=framework)
    mine = [d for d in history if d.reviewer == user.name]
    return mine[-1] if mine else None


def undo_last(
    store: Store,
    matcher: Matcher,
    user: UserInfo,
    *,
    programme: str,
    framework: str,
    catalogue: str | None = None,
) -> Undone | None:
    """Restore what the user's last decision replaced, as a new superseding decision.

    Undo is always possible: undoing a link's first decision records a `withdrawn` decision
    (the link is undecided again, its history kept), and undoing a withdrawal restores the
    decision it withdrew.
    """
    last = last_decision(store, user, programme=programme, framework=framework, catalogue=catalogue)
    if last is None:
        return None
    prior = _prior(store, last)
    if prior is None:
        withdrawal = DecisionCreate(
            programme=last.programme,
            catalogue=catalogue,
            module=last.module,
            framework=framework,
            competency_id=last.competency_id,
            verdict="withdrawn",
            reason=f"undo of decision #{last.id}; withdraws it",
            expected_version=last.version,
        )
        withdrawn = record_decision(store, matcher, withdrawal, user, undo=True)
        return Undone(last.module, last.competency_id, withdrawn.id, "withdrawn")
    create = DecisionCreate(
        programme=last.programme,
        catalogue=catalogue,
        module=last.module,
        framework=framework,
        competency_id=last.competency_id,
        verdict=prior.verdict,
        relation=prior.relation,
        reason=f"undo of decision #{last.id}; restores #{prior.id}",
        evidence_outcome=prior.evidence_outcome,
        expected_version=last.version,
    )
    try:
        restored = record_decision(store, matcher, create, user, undo=True)
    except InputError:  # the evidence outcome was removed since: restore without it
        create = create.model_copy(update={"evidence_outcome": None})
        restored = record_decision(store, matcher, create, user, undo=True)
    return Undone(last.module, last.competency_id, restored.id, "undone")


def _prior(store: Store, last: DecisionPublic) -> DecisionPublic | None:
    if last.supersedes is None:
        return None
    history = store.decision_history(
        programme=last.programme,
        catalogue=last.catalogue,
        module=last.module,
        framework=last.framework,
        competency_id=last.competency_id,
    )
    return next((d for d in history if d.id == last.supersedes), None)
