"""Reviewed labels: append-only, optimistic versioning per (framework, competency, language)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outcome_matcher.errors import ConflictError, ForbiddenError, NotFoundError
from outcome_matcher.store.base import StoreBase, audit, chunks
from outcome_matcher.store.frameworks import framework_row
from outcome_matcher.store.public import (
    DECIDING_ROLES,
    LabelReviewCreate,
    LabelReviewPublic,
    UserInfo,
)
from outcome_matcher.store.tables import CompetencyRow, UserRow, utcnow
from outcome_matcher.store.tables_labels import LabelReviewRow
from outcome_matcher.store.users import user_row


class _LostRace(Exception):
    """Another writer stored this label version between our read and our insert."""


def _select() -> Select[LabelReviewRow, str]:
    return select(LabelReviewRow, UserRow.name).join(
        UserRow, LabelReviewRow.reviewer_id == UserRow.id
    )


def _public(row: LabelReviewRow, reviewer: str) -> LabelReviewPublic:
    return LabelReviewPublic(
        id=row.id,
        framework=row.framework,
        competency_id=row.competency_uri,
        lang=row.lang,
        label=row.label,
        previous_label=row.previous_label,
        reason=row.reason,
        reviewer=reviewer,
        created=row.created,
        version=row.version,
        supersedes=row.supersedes_id,
    )


def _current(s: Session, framework: str, uri: str, lang: str) -> LabelReviewPublic | None:
    stmt = (
        _select()
        .where(
            LabelReviewRow.framework == framework,
            LabelReviewRow.competency_uri == uri,
            LabelReviewRow.lang == lang,
        )
        .order_by(LabelReviewRow.version.desc())
        .limit(1)
    )
    found = s.execute(stmt).first()
    return _public(*found) if found else None


def _author(s: Session, caller: UserInfo) -> UserRow:
    """The authenticated caller, re-read: deactivated users and auditors cannot review."""
    try:
        row = user_row(s, caller.name)
    except NotFoundError as exc:
        raise ForbiddenError(f"unknown user {caller.name!r}") from exc
    if not row.active or row.role not in DECIDING_ROLES:
        why = "is deactivated" if not row.active else f"has role {row.role}"
        raise ForbiddenError(f"user {row.name!r} {why} and cannot review labels", role=row.role)
    return row


def _machine_label(s: Session, r: LabelReviewCreate) -> str:
    """The framework's own label in the language ('' if none); NotFoundError if no competency."""
    fw = framework_row(s, r.framework)
    labels = s.scalar(
        select(CompetencyRow.labels_by_lang).where(
            CompetencyRow.framework_id == fw.id, CompetencyRow.uri == r.competency_id
        )
    )
    if labels is None:
        raise NotFoundError(
            f"unknown competency {r.competency_id!r} in framework {r.framework!r}",
            framework=r.framework,
            competency_id=r.competency_id,
        )
    found = labels.get(r.lang) or []
    return str(found[0]) if found else ""


def _conflict(r: LabelReviewCreate, current: LabelReviewPublic | None) -> ConflictError:
    version = current.version if current else 0
    return ConflictError(
        f"the {r.lang} label of {r.competency_id} is at version {version}, "
        f"not {r.expected_version}: reload it and review again",
        current_version=version,
        current=current.model_dump(mode="json") if current else None,
    )


def _review(s: Session, r: LabelReviewCreate, author: UserRow) -> LabelReviewPublic:
    machine = _machine_label(s, r)
    current = _current(s, r.framework, r.competency_id, r.lang)
    if (current.version if current else 0) != r.expected_version:
        raise _conflict(r, current)
    return _insert(s, r, author, current.label if current else machine, current)


def _insert(
    s: Session,
    r: LabelReviewCreate,
    author: UserRow,
    previous: str,
    current: LabelReviewPublic | None,
) -> LabelReviewPublic:
    row = LabelReviewRow(
        framework=r.framework,
        competency_uri=r.competency_id,
        lang=r.lang,
        label=r.label,
        previous_label=previous,
        reason=r.reason,
        reviewer_id=author.id,
        created=utcnow(),
        version=r.expected_version + 1,
        supersedes_id=current.id if current else None,
    )
    s.add(row)
    try:
        s.flush()  # the unique (label, version) index decides between racing writers
    except IntegrityError as exc:
        raise _LostRace(r) from exc
    detail = {"old": previous, "new": r.label, "version": row.version}
    key = f"{r.framework}|{r.competency_id}|{r.lang}"[:512]  # the audit key column's size
    audit(s, author.name, "label.review", "label", key, detail)
    return _public(row, author.name)


class LabelReviewsRepo(StoreBase):
    """Council-reviewed labels of competencies in the users' languages."""

    def review_label(self, r: LabelReviewCreate, reviewer: UserInfo) -> LabelReviewPublic:
        """Record a reviewed label if it is still at `r.expected_version`; ConflictError otherwise.

        The row keeps the label it replaces (the machine one, or the previous review).
        """
        return self.review_labels([r], reviewer)[0]

    def review_labels(
        self, reviews: Sequence[LabelReviewCreate], reviewer: UserInfo
    ) -> list[LabelReviewPublic]:
        """Record several reviewed labels in one transaction: all of them, or none."""
        try:
            with self._write() as s:
                author = _author(s, reviewer)
                return [_review(s, r, author) for r in reviews]
        except _LostRace as lost:
            r = lost.args[0]
            with self._read() as s:
                raise _conflict(r, _current(s, r.framework, r.competency_id, r.lang)) from None

    def label_history(
        self,
        framework: str,
        *,
        competency_id: str | None = None,
        lang: str | None = None,
        limit: int | None = None,
    ) -> list[LabelReviewPublic]:
        """Every reviewed label (superseded ones too) of a framework, oldest first."""
        stmt = _select().where(LabelReviewRow.framework == framework)
        if competency_id is not None:
            stmt = stmt.where(LabelReviewRow.competency_uri == competency_id)
        if lang is not None:
            stmt = stmt.where(LabelReviewRow.lang == lang)
        stmt = stmt.order_by(LabelReviewRow.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._read() as s:
            framework_row(s, framework)
            return [_public(*row) for row in s.execute(stmt)]

    def current_labels(
        self, framework: str, ids: Sequence[str] | None = None
    ) -> dict[tuple[str, str], LabelReviewPublic]:
        """The reviewed label in force per (competency id, language): each one's newest version."""
        base = _select().where(LabelReviewRow.framework == framework)
        base = base.order_by(LabelReviewRow.version)
        found: dict[tuple[str, str], LabelReviewPublic] = {}
        with self._read() as s:
            parts = (
                [base]
                if ids is None
                else [
                    base.where(LabelReviewRow.competency_uri.in_(part))
                    for part in chunks(list(dict.fromkeys(ids)))
                ]
            )
            for stmt in parts:
                for row, name in s.execute(stmt):
                    found[(row.competency_uri, row.lang)] = _public(row, name)
        return found
