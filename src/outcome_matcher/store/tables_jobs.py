"""Long-running jobs (align runs, later index builds and designs) as rows, so restarts see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outcome_matcher.store.tables import Base, _in

JOB_STATES = ("queued", "running", "done", "failed")


class JobRow(Base):
    """One job: what was asked (params), by whom, how far it got and how it ended."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("state", JOB_STATES), name="state"),
        Index("ix_jobs_created", "created"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]]
    progress: Mapped[float]
    counts: Mapped[dict[str, Any]]
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime]
    updated: Mapped[datetime]
    heartbeat: Mapped[datetime]
