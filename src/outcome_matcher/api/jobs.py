"""Batch jobs: start an align run in a background thread, poll it, page through the jobs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from outcome_matcher.api import job_runner
from outcome_matcher.api.deps import Designer, MatcherDep, SettingsDep, StoreDep
from outcome_matcher.api.import_paths import imported_file
from outcome_matcher.schemas import MAX_DB_INT
from outcome_matcher.services import standard_requirements
from outcome_matcher.store import JobInfo
from outcome_matcher.store.jobs import MAX_PAGE

router = APIRouter(prefix="/jobs", tags=["jobs"])
JobState = Literal["queued", "running", "done", "failed"]


class AlignJobCreate(BaseModel):
    """Files on the server to align; outputs go to <data_dir>/align/<job id>."""

    catalogues: list[str] = Field(min_length=1)
    framework: str
    standard: str | None = None
    top_k: int = Field(default=10, ge=1, le=200)
    chunk_size: int = Field(default=1000, ge=1, le=1_000_000)
    store: bool = False


class JobPublic(BaseModel):
    id: str
    kind: str = "align"
    state: JobState = "queued"
    created_by: str
    output_dir: str
    rows_done: int = 0
    rows_total: int | None = None
    rate: float | None = Field(default=None, description="outcomes per second so far")
    eta_seconds: float | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    run_id: int | None = None
    error: str | None = None


class JobPage(BaseModel):
    """One page of jobs, newest first."""

    items: list[JobPublic]
    total: int
    limit: int
    offset: int


def _public(job: JobInfo) -> JobPublic:
    counts, params = job.counts, job.params
    return JobPublic(
        id=job.id,
        kind=job.kind,
        state=job.state,
        created_by=job.created_by,
        output_dir=str(params.get("output_dir", "")),
        rows_done=int(counts.get("rows_done", 0)),
        rows_total=counts.get("rows_total"),
        rate=counts.get("rate"),
        eta_seconds=counts.get("eta_seconds"),
        counts=counts.get("result", {}),
        run_id=counts.get("run_id"),
        error=job.error,
    )


@router.post("/align", status_code=status.HTTP_202_ACCEPTED)
def start_align(
    body: AlignJobCreate,
    user: Designer,
    matcher: MatcherDep,
    store: StoreDep,
    settings: SettingsDep,
) -> JobPublic:
    """Start aligning catalogue files (admin or designer); poll GET /jobs/{id}.

    The job is a row in the store: a restarted server resumes it in the same output folder.
    """
    # Only files in the import folder: any other path gets the same answer whether it exists.
    paths = [imported_file(settings, name) for name in body.catalogues]
    # Unknown framework: 404 now; a full index still being built: 503 now; not a failed job later.
    among = standard_requirements(store, body.framework, body.standard) if body.standard else None
    matcher.full_index(body.framework, among)
    params = body.model_dump(mode="json") | {"catalogues": [str(p) for p in paths]}
    job = store.create_job("align", user.name, params)
    out = settings.data_dir / "align" / job.id
    store.update_job(job.id, params={**params, "output_dir": str(out), "attempts": 1})
    job = store.get_job(job.id)
    job_runner.start_align(job, settings, store, matcher)
    return _public(job)


@router.get("")
def list_jobs(
    store: StoreDep,
    user: Designer,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_DB_INT)] = 0,
) -> JobPage:
    """Jobs of this store, newest first, a page at a time (admin or designer)."""
    jobs, total = store.list_jobs(limit=limit, offset=offset)
    return JobPage(items=[_public(j) for j in jobs], total=total, limit=limit, offset=offset)


@router.get("/{job_id}")
def get_job(job_id: str, store: StoreDep, user: Designer) -> JobPublic:
    """State and counts of a job (admin or designer), also after a server restart."""
    return _public(store.get_job(job_id))
