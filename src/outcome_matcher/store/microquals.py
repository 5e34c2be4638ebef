"""Repository of micro_qualifications: versioned saves, four-eyes sign-off, publish, audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_matcher.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from outcome_matcher.schemas.micro_qualification import MicroQualification
from outcome_matcher.store.base import StoreBase, audit
from outcome_matcher.store.public import UserInfo
from outcome_matcher.store.tables import UserRow, utcnow
from outcome_matcher.store.tables_microquals import (
    MicroQualificationRow,
    MicroQualificationSignOffRow,
    MicroQualificationVersionRow,
)
from outcome_matcher.store.users import user_row

ENTITY = "micro_qualification"
DESIGNING_ROLES = ("designer", "admin")
SIGNING_ROLES = ("reviewer", "admin")


class SignOffInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    version: int
    reviewer: str
    verdict: Literal["approved", "rejected"]
    comment: str
    at: datetime


class VersionInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    version: int
    status: str
    author: str
    created: datetime


class MicroQualificationRecord(BaseModel):
    """One stored version with the micro_qualification's current state and sign-offs."""

    model_config = ConfigDict(frozen=True)
    id: str
    title: str
    owner: str
    status: str
    version: int
    current_version: int
    created: datetime
    updated: datetime
    micro_qualification: MicroQualification
    signoffs: tuple[SignOffInfo, ...] = ()


def _caller(s: Session, caller: UserInfo, roles: tuple[str, ...], doing: str) -> UserRow:
    try:
        row = user_row(s, caller.name)
    except NotFoundError as exc:
        raise ForbiddenError(f"unknown user {caller.name!r}") from exc
    if not row.active or row.role not in roles:
        why = "is deactivated" if not row.active else f"has role {row.role}"
        raise ForbiddenError(f"user {row.name!r} {why} and cannot {doing}")
    return row


def _row(s: Session, key: str) -> MicroQualificationRow:
    row = s.scalar(select(MicroQualificationRow).where(MicroQualificationRow.key == key))
    if row is None:
        raise NotFoundError(f"unknown micro_qualification {key!r}", micro_qualification=key)
    return row


def _add_version(
    s: Session, row: MicroQualificationRow, mq: MicroQualification, author: str
) -> None:
    body = mq.model_copy(update={"id": row.key, "version": row.current_version, "owner": row.owner})
    s.add(
        MicroQualificationVersionRow(
            mq_id=row.id,
            version=row.current_version,
            status=mq.status,
            author=author,
            body=body.model_dump(mode="json"),
            created=row.updated,
        )
    )


class MicroQualsRepo(StoreBase):
    """Micro-qualifications in the store; every write is one transaction with its audit row."""

    def create_micro_qualification(
        self, mq: MicroQualification, *, caller: UserInfo
    ) -> MicroQualificationRecord:
        """Save version 1 as a draft owned by the caller (a designer); the id is kept or minted."""
        with self._write() as s:
            author = _caller(s, caller, DESIGNING_ROLES, "design micro-qualifications")
            key = mq.id or uuid.uuid4().hex
            if s.scalar(select(MicroQualificationRow.id).where(MicroQualificationRow.key == key)):
                raise ConflictError(f"micro_qualification {key!r} exists", micro_qualification=key)
            now = utcnow()
            row = MicroQualificationRow(
                key=key, title=mq.title, owner=author.name, status="draft",
                current_version=1, created=now, updated=now,
            )  # fmt: skip
            s.add(row)
            s.flush()
            _add_version(s, row, mq.model_copy(update={"status": "draft"}), author.name)
            audit(s, author.name, "micro_qualification.create", ENTITY, key, {"version": 1})
        return self.get_micro_qualification(key)

    def update_micro_qualification(
        self, key: str, mq: MicroQualification, *, caller: UserInfo
    ) -> MicroQualificationRecord:
        """Save a new draft version (earlier versions and their sign-offs stay)."""
        with self._write() as s:
            author = _caller(s, caller, DESIGNING_ROLES, "design micro-qualifications")
            row = _row(s, key)
            row.current_version += 1
            row.title, row.status, row.updated = mq.title, "draft", utcnow()
            _add_version(s, row, mq.model_copy(update={"status": "draft"}), author.name)
            detail = {"version": row.current_version, "missing": mq.missing_mandatory()}
            audit(s, author.name, "micro_qualification.update", ENTITY, key, detail)
        return self.get_micro_qualification(key)

    def get_micro_qualification(
        self, key: str, version: int | None = None
    ) -> MicroQualificationRecord:
        """The current version, or an earlier one by number."""
        with self._read() as s:
            row = _row(s, key)
            ver = _version(s, row, version or row.current_version)
            return _record(row, ver, _signoffs(s, row.id))

    def list_micro_qualifications(
        self, *, status: str | None = None
    ) -> list[MicroQualificationRecord]:
        """Current versions, oldest first."""
        with self._read() as s:
            stmt = select(MicroQualificationRow.key).order_by(MicroQualificationRow.id)
            if status is not None:
                stmt = stmt.where(MicroQualificationRow.status == status)
            keys = list(s.scalars(stmt))
        return [self.get_micro_qualification(k) for k in keys]

    def micro_qualification_versions(self, key: str) -> list[VersionInfo]:
        with self._read() as s:
            row = _row(s, key)
            stmt = (
                select(MicroQualificationVersionRow)
                .where(MicroQualificationVersionRow.mq_id == row.id)
                .order_by(MicroQualificationVersionRow.version)
            )
            return [
                VersionInfo(version=v.version, status=v.status, author=v.author, created=v.created)
                for v in s.scalars(stmt)
            ]

    def sign_off_micro_qualification(
        self,
        key: str,
        *,
        caller: UserInfo,
        verdict: Literal["approved", "rejected"] = "approved",
        comment: str = "",
    ) -> MicroQualificationRecord:
        """A reviewer's verdict on the current version; the owner never signs off their own."""
        with self._write() as s:
            reviewer = _caller(s, caller, SIGNING_ROLES, "sign off micro-qualifications")
            row = _row(s, key)
            if reviewer.name == row.owner:
                raise ForbiddenError(
                    f"{reviewer.name!r} owns {key!r}: another reviewer signs it off"
                )
            s.add(
                MicroQualificationSignOffRow(
                    mq_id=row.id, version=row.current_version, reviewer=reviewer.name,
                    verdict=verdict, comment=comment, at=utcnow(),
                )
            )  # fmt: skip
            detail = {"version": row.current_version, "verdict": verdict}
            audit(s, reviewer.name, "micro_qualification.sign_off", ENTITY, key, detail)
        return self.get_micro_qualification(key)

    def publish_micro_qualification(
        self, key: str, *, caller: UserInfo, require_signoff: bool = True
    ) -> MicroQualificationRecord:
        """Publish the current version as a new version row; InputError listing missing elements,
        ConflictError without an approving sign-off of that version (when four eyes are asked)."""
        with self._write() as s:
            author = _caller(s, caller, DESIGNING_ROLES, "publish micro-qualifications")
            row = _row(s, key)
            if row.status == "published":
                raise ConflictError(f"{key!r} is published already", micro_qualification=key)
            current = _body(s, row)
            missing = current.missing_mandatory()
            if missing:
                raise InputError(
                    "cannot publish: missing mandatory element(s): " + ", ".join(missing),
                    field="micro_qualification",
                    missing=missing,
                )
            if require_signoff and not _approved(s, row.id, row.current_version):
                raise ConflictError(
                    f"version {row.current_version} of {key!r} has no approving sign-off",
                    micro_qualification=key,
                )
            row.current_version += 1
            row.status, row.updated = "published", utcnow()
            _add_version(s, row, current.model_copy(update={"status": "published"}), author.name)
            audit(
                s,
                author.name,
                "micro_qualification.publish",
                ENTITY,
                key,
                {"version": row.current_version},
            )
        return self.get_micro_qualification(key)


def _version(s: Session, row: MicroQualificationRow, version: int) -> MicroQualificationVersionRow:
    ver = s.scalar(
        select(MicroQualificationVersionRow).where(
            MicroQualificationVersionRow.mq_id == row.id,
            MicroQualificationVersionRow.version == version,
        )
    )
    if ver is None:
        raise NotFoundError(f"micro_qualification {row.key!r} has no version {version}")
    return ver


def _body(s: Session, row: MicroQualificationRow) -> MicroQualification:
    return MicroQualification.model_validate(_version(s, row, row.current_version).body)


def _approved(s: Session, mq_id: int, version: int) -> bool:
    latest = s.scalars(
        select(MicroQualificationSignOffRow)
        .where(
            MicroQualificationSignOffRow.mq_id == mq_id,
            MicroQualificationSignOffRow.version == version,
        )
        .order_by(MicroQualificationSignOffRow.id.desc())
    ).first()
    return latest is not None and latest.verdict == "approved"


def _signoffs(s: Session, mq_id: int) -> tuple[SignOffInfo, ...]:
    stmt = (
        select(MicroQualificationSignOffRow)
        .where(MicroQualificationSignOffRow.mq_id == mq_id)
        .order_by(MicroQualificationSignOffRow.id)
    )
    return tuple(
        SignOffInfo.model_validate(
            {
                "version": r.version,
                "reviewer": r.reviewer,
                "verdict": r.verdict,
                "comment": r.comment,
                "at": r.at,
            }
        )
        for r in s.scalars(stmt)
    )


def _record(
    row: MicroQualificationRow, ver: MicroQualificationVersionRow, signoffs: tuple[SignOffInfo, ...]
) -> MicroQualificationRecord:
    return MicroQualificationRecord(
        id=row.key,
        title=row.title,
        owner=row.owner,
        status=ver.status,
        version=ver.version,
        current_version=row.current_version,
        created=row.created,
        updated=row.updated,
        micro_qualification=MicroQualification.model_validate(ver.body),
        signoffs=signoffs,
    )
