"""Jobs as rows: create, update with a heartbeat, page through, and recover after a restart."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import func, select, update

from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.store.base import StoreBase
from outcome_matcher.store.public import JobInfo
from outcome_matcher.store.tables import utcnow
from outcome_matcher.store.tables_jobs import JobRow

MAX_PAGE = 200
UNFINISHED = ("queued", "running")


def _info(row: JobRow) -> JobInfo:
    return JobInfo.model_validate(row, from_attributes=True)


class JobsRepo(StoreBase):
    """Long-running jobs (a `kind` each: align runs and full index builds)."""

    def create_job(self, kind: str, created_by: str, params: dict[str, Any]) -> JobInfo:
        """A new queued job with a fresh id."""
        now = utcnow()
        row = JobRow(
            id=uuid.uuid4().hex[:12],
            kind=kind,
            state="queued",
            created_by=created_by,
            params=params,
            progress=0.0,
            counts={},
            error=None,
            created=now,
            updated=now,
            heartbeat=now,
        )
        with self._write() as s:
            s.add(row)
            s.flush()
            return _info(row)

    def update_job(self, job_id: str, **fields: Any) -> None:
        """Set state, progress, counts, params or error; every update is also a heartbeat."""
        now = utcnow()
        values = {**fields, "updated": now, "heartbeat": now}
        with self._write() as s:
            done = s.execute(update(JobRow).where(JobRow.id == job_id).values(**values))
            if cast(Any, done).rowcount == 0:
                raise NotFoundError(f"unknown job {job_id!r}", job_id=job_id)

    def beat(self, job_id: str) -> None:
        """The job's worker is alive (called every few seconds while it runs)."""
        with self._write() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id).values(heartbeat=utcnow()))

    def get_job(self, job_id: str) -> JobInfo:
        with self._read() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"unknown job {job_id!r}", job_id=job_id)
            return _info(row)

    def list_jobs(
        self, *, limit: int = 50, offset: int = 0, kind: str | None = None
    ) -> tuple[list[JobInfo], int]:
        """(a page of jobs, newest first; the total count)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InputError(f"limit must be 1..{MAX_PAGE}", field="limit")
        if offset < 0:
            raise InputError("offset must be >= 0", field="offset")
        stmt = select(JobRow).order_by(JobRow.created.desc(), JobRow.id)
        count = select(func.count()).select_from(JobRow)
        if kind is not None:
            stmt, count = stmt.where(JobRow.kind == kind), count.where(JobRow.kind == kind)
        with self._read() as s:
            rows = [_info(r) for r in s.scalars(stmt.limit(limit).offset(offset))]
            return rows, int(s.scalar(count) or 0)

    def stale_jobs(self, stale_after: timedelta) -> list[JobInfo]:
        """Queued or running jobs whose heartbeat is older than `stale_after` (nobody runs them)."""
        cutoff = utcnow() - stale_after
        stmt = select(JobRow).where(JobRow.state.in_(UNFINISHED), JobRow.heartbeat < cutoff)
        with self._read() as s:
            return [_info(r) for r in s.scalars(stmt.order_by(JobRow.created))]

    def claim_stale_job(self, job_id: str, stale_after: timedelta) -> bool:
        """Take over a stale job (its heartbeat renewed); False when another server did first."""
        cutoff = utcnow() - stale_after
        with self._write() as s:
            done = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.heartbeat < cutoff)
                .values(heartbeat=utcnow())
            )
            return bool(cast(Any, done).rowcount)

    def queued_jobs(self, kind: str) -> list[JobInfo]:
        """Jobs of `kind` waiting for a server to start them, oldest first."""
        stmt = select(JobRow).where(JobRow.kind == kind, JobRow.state == "queued")
        with self._read() as s:
            return [_info(r) for r in s.scalars(stmt.order_by(JobRow.created))]

    def claim_queued_job(self, job_id: str) -> bool:
        """Move a queued job to running; False when another server (or thread) did first."""
        with self._write() as s:
            done = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.state == "queued")
                .values(state="running", heartbeat=utcnow(), updated=utcnow())
            )
            return bool(cast(Any, done).rowcount)
