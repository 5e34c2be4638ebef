"""Batch jobs: start an align run in a background thread and poll its status."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from outcome_matcher.api.deps import Designer, MatcherDep, SettingsDep, StoreDep
from outcome_matcher.api.import_paths import imported_file
from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.config import Settings
from outcome_matcher.errors import NotFoundError, OutcomeMatcherError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import Store

router = APIRouter(prefix="/jobs", tags=["jobs"])
log = logging.getLogger(__name__)
JobState = Literal["queued", "running", "done", "failed"]


class AlignJobCreate(BaseModel):
    """Files in the server's import folder to align; outputs go to <data_dir>/align/<job id>."""

    catalogues: list[str] = Field(
        min_length=1,
        max_length=100,
        description="file names in the import folder (Settings.imports_dir), or paths inside it",
    )
    framework: str
    standard: str | None = None
    top_k: int = Field(default=10, ge=1, le=200)
    chunk_size: int = Field(default=1000, ge=1)
    store: bool = False


class JobPublic(BaseModel):
    id: str
    kind: Literal["align"] = "align"
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


class _Job:
    def __init__(self, public: JobPublic) -> None:
        self.public = public
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def progress(self, done: int, total: int) -> None:
        with self.lock:
            elapsed = max(time.monotonic() - self.started, 1e-9)
            rate = done / elapsed
            eta = (total - done) / rate if rate > 0 else None
            self.public = self.public.model_copy(
                update={"rows_done": done, "rows_total": total, "rate": round(rate, 2),
                        "eta_seconds": None if eta is None else round(eta, 1)}
            )  # fmt: skip

    def update(self, **fields: object) -> None:
        with self.lock:
            self.public = self.public.model_copy(update=fields)

    def snapshot(self) -> JobPublic:
        with self.lock:
            return self.public


def _jobs(request: Request) -> dict[str, _Job]:
    state = request.app.state
    if not hasattr(state, "jobs"):
        state.jobs = {}
    jobs: dict[str, _Job] = state.jobs
    return jobs


@router.post("/align", status_code=status.HTTP_202_ACCEPTED)
def start_align(
    body: AlignJobCreate,
    request: Request,
    user: Designer,
    matcher: MatcherDep,
    store: StoreDep,
    settings: SettingsDep,
) -> JobPublic:
    """Start aligning catalogue files (admin or designer); poll GET /jobs/{id}."""
    paths = [imported_file(settings, name) for name in body.catalogues]
    matcher.index(body.framework)  # unknown framework: 404 now, not a failed job later
    job_id = uuid.uuid4().hex[:12]
    out = settings.data_dir / "align" / job_id
    job = _Job(JobPublic(id=job_id, created_by=user.name, output_dir=str(out)))
    _jobs(request)[job_id] = job
    options = AlignOptions(
        framework=body.framework,
        standard=body.standard,
        top_k=body.top_k,
        chunk_size=body.chunk_size,
        to_store=body.store,
    )
    args = (job, paths, options, out, settings, store, matcher)
    threading.Thread(target=_run, args=args, name=f"align-{job_id}", daemon=True).start()
    return job.snapshot()


def _run(
    job: _Job,
    paths: list[Path],
    options: AlignOptions,
    out: Path,
    settings: Settings,
    store: Store,
    matcher: Matcher,
) -> None:
    job.update(state="running")
    try:
        result = align(
            paths,
            options,
            out,
            settings=settings,
            store=store,
            encoder=matcher.encoder,
            progress=job.progress,
        )
    except OutcomeMatcherError as error:
        job.update(state="failed", error=error.message)
        return
    except Exception:  # a job thread must report, not die silently; details only in the log
        log.exception("align job %s failed", job.public.id)
        job.update(state="failed", error="internal error; the server log has the details")
        return
    job.update(state="done", counts=result.manifest["counts"], run_id=result.run_id, eta_seconds=0)


@router.get("/{job_id}")
def get_job(job_id: str, request: Request, user: Designer) -> JobPublic:
    """State and counts of a job started on this server (admin or designer)."""
    job = _jobs(request).get(job_id)
    if job is None:
        raise NotFoundError(f"unknown job {job_id!r}", job_id=job_id)
    return job.snapshot()
