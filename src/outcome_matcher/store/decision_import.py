"""Many decisions in one transaction: a bad row anywhere means nothing is imported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from outcome_matcher.errors import ConflictError, InputError, InputErrors, OutcomeMatcherError
from outcome_matcher.store.base import StoreBase
from outcome_matcher.store.decisions import (
    _author,
    _check_target,
    _current,
    _LostRace,
    insert_decision,
)
from outcome_matcher.store.lookup import module_row
from outcome_matcher.store.public import (
    DecisionCreate,
    DecisionImportResult,
    DecisionPublic,
    UserInfo,
)
from outcome_matcher.store.tables import UserRow


def _same(current: DecisionPublic | None, d: DecisionCreate) -> bool:
    """True when the link's current decision already says what the row says."""
    return (
        current is not None
        and not current.needs_review
        and (current.verdict, current.relation, current.reason, current.evidence_outcome)
        == (d.verdict, d.relation, d.reason, d.evidence_outcome)
    )


def _field(error: OutcomeMatcherError) -> str:
    """The DecisionCreate field an error points at (not-found errors name their target)."""
    if "field" in error.context:
        return str(error.context["field"])
    return next((k for k in ("competency_id", "module") if k in error.context), "programme")


def _import_row(
    s: Session, d: DecisionCreate, author: UserRow
) -> tuple[DecisionPublic | None, bool]:
    """(the new decision, False) or (None, True) when the row is already in force."""
    module, prog, cat = module_row(s, d.programme, d.module, d.catalogue)
    current = _current(s, module.id, d.framework, d.competency_id)
    _check_target(s, d, module.id, current is not None)
    if _same(current, d):
        return None, True
    d = d.model_copy(update={"expected_version": current.version if current else 0})
    return insert_decision(s, d, author, module, prog.code, cat, current), False


class DecisionImportRepo(StoreBase):
    """Bulk decisions, e.g. from a mapping table."""

    def import_decisions(
        self,
        rows: Sequence[tuple[int, DecisionCreate]],
        reviewer: UserInfo,
        *,
        source: str | None = None,
        field_names: Mapping[str, str] | None = None,
    ) -> DecisionImportResult:
        """Record (row number, decision) pairs, each superseding its link's current decision.

        Rows that repeat the current decision are skipped. Every bad row is reported in one
        InputErrors (fields renamed through `field_names`) and nothing is written.
        """
        names = field_names or {}
        created: list[DecisionPublic] = []
        unchanged = 0
        try:
            with self._write() as s:
                author = _author(s, rows[0][1], reviewer) if rows else None
                errors: list[InputError] = []
                for number, d in rows:
                    assert author is not None
                    try:
                        new, same = _import_row(s, d, author)
                    except OutcomeMatcherError as exc:
                        # Unknown or invalid targets are row errors; anything else aborts.
                        if exc.status not in (404, 422):
                            raise
                        field = _field(exc)
                        errors.append(
                            InputError(exc.message, row=number, field=names.get(field, field))
                        )
                        continue
                    unchanged += same
                    created += [new] if new else []
                if errors:
                    raise InputErrors(errors, file=source)
        except _LostRace:
            raise ConflictError(
                "another reviewer decided on one of these links during the import: "
                "nothing was imported, try again"
            ) from None
        return DecisionImportResult(imported=len(created), unchanged=unchanged, decisions=created)
