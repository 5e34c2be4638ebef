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


class _Stale(Exception):
    """The row was decided against an older version of its link than the stored one."""

    def __init__(self, current: int) -> None:
        self.current = current


def _import_row(
    s: Session, d: DecisionCreate, author: UserRow
) -> tuple[DecisionPublic | None, bool]:
    """(the new decision, False) or (None, True) when the row is already in force.

    A row supersedes only the version it was decided against (`expected_version`, 0 for a
    new link): a table exported before someone else decided again is stale, never applied.
    """
    module, prog, cat = module_row(s, d.programme, d.module, d.catalogue)
    current = _current(s, module.id, d.framework, d.competency_id)
    _check_target(s, d, module.id, current is not None)
    if _same(current, d):
        return None, True
    at = current.version if current else 0
    if at not in (0, d.expected_version):
        raise _Stale(at)
    # A link without a decision here takes the row whatever its version (a table from
    # another store); it becomes this store's version 1.
    d = d.model_copy(update={"expected_version": at})
    return insert_decision(s, d, author, module, prog.code, cat, current), False


def _stale_row(number: int, d: DecisionCreate, current: int) -> dict[str, object]:
    return {
        "row": number,
        "link": f"{d.programme}/{d.module} – {d.competency_id}",
        "expected_version": d.expected_version,
        "current_version": current,
    }


def _stale_message(stale: list[dict[str, object]], source: str | None) -> str:
    where = f" of {source}" if source else ""
    lines = [
        f"row {x['row']} ({x['link']}): decided against version {x['expected_version']}, "
        f"the link is at version {x['current_version']}"
        for x in stale
    ]
    return (
        f"{len(stale)} row(s){where} are stale, nothing was imported (export the table again, "
        "or leave a new link's version empty only for links without a decision):\n  "
        + "\n  ".join(lines[:50])
    )


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
        """Record (row number, decision) pairs, each superseding the link version it names.

        Rows that repeat the current decision are skipped. Every bad row is reported in one
        InputErrors (fields renamed through `field_names`); every stale row (its
        `expected_version` is not the link's current version) in one ConflictError; in both
        cases nothing is written.
        """
        names = field_names or {}
        created: list[DecisionPublic] = []
        stale: list[dict[str, object]] = []
        unchanged = 0
        try:
            with self._write() as s:
                author = _author(s, rows[0][1], reviewer) if rows else None
                errors: list[InputError] = []
                for number, d in rows:
                    assert author is not None
                    try:
                        new, same = _import_row(s, d, author)
                    except _Stale as exc:
                        stale.append(_stale_row(number, d, exc.current))
                        continue
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
                if stale:
                    raise ConflictError(_stale_message(stale, source), stale=stale)
        except _LostRace:
            raise ConflictError(
                "another reviewer decided on one of these links during the import: "
                "nothing was imported, try again"
            ) from None
        return DecisionImportResult(imported=len(created), unchanged=unchanged, decisions=created)
