"""Tables of micro_qualifications: one row each, every saved version kept, reviewers' sign-offs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outcome_matcher.store.tables import Base, _in

MQ_STATUSES = ("draft", "published")
SIGNOFF_VERDICTS = ("approved", "rejected")


class MicroQualificationRow(Base):
    """The current state; the bodies live in micro_qualification_versions, never overwritten."""

    __tablename__ = "micro_qualifications"
    __table_args__ = (CheckConstraint(_in("status", MQ_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    current_version: Mapped[int]
    created: Mapped[datetime]
    updated: Mapped[datetime]


class MicroQualificationVersionRow(Base):
    __tablename__ = "micro_qualification_versions"
    __table_args__ = (
        UniqueConstraint("mq_id", "version"),
        CheckConstraint(_in("status", MQ_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    mq_id: Mapped[int] = mapped_column(ForeignKey("micro_qualifications.id"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]]
    created: Mapped[datetime]


class MicroQualificationSignOffRow(Base):
    """A reviewer's verdict on one version (four eyes: never the owner)."""

    __tablename__ = "micro_qualification_signoffs"
    __table_args__ = (CheckConstraint(_in("verdict", SIGNOFF_VERDICTS), name="verdict"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    mq_id: Mapped[int] = mapped_column(ForeignKey("micro_qualifications.id"), index=True)
    version: Mapped[int]
    reviewer: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
