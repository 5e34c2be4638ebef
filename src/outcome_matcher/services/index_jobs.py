"""Full index builds as jobs: queue one for a framework whose index is partial, and tell how
far a framework's index is (the matcher's not-ready error, `frameworks list`, the API, the
home page). A server runs the queued builds (api.job_runner)."""

from __future__ import annotations

from outcome_matcher.config import Settings
from outcome_matcher.errors import NotFoundError
from outcome_matcher.retrieval.index import FrameworkIndex, IndexMeta
from outcome_matcher.retrieval.readiness import IndexState, IndexStatus
from outcome_matcher.services.frameworks import index_dir
from outcome_matcher.store import JobInfo, Store
from outcome_matcher.store.jobs import MAX_PAGE, UNFINISHED

KIND = "index"
# A job's state as the index's: a running job is a building index.
JOB_STATES: dict[str, IndexState] = {"queued": "queued", "running": "building"}


def queue_full_index(store: Store, framework: str, created_by: str = "system") -> JobInfo:
    """A queued full build of `framework`, unless one is queued or running already."""
    current = latest_index_job(store, framework)
    if current is not None and current.state in UNFINISHED:
        return current
    return store.create_job(KIND, created_by, {"framework": framework, "attempts": 1})


def latest_index_job(store: Store, framework: str) -> JobInfo | None:
    """The newest index job of `framework` (there are a few per framework, not thousands)."""
    jobs, _ = store.list_jobs(limit=MAX_PAGE, kind=KIND)
    return next((j for j in jobs if j.params.get("framework") == framework), None)


def index_meta(settings: Settings, framework: str) -> IndexMeta | None:
    try:
        return FrameworkIndex.load_meta(index_dir(settings, framework))
    except NotFoundError:
        return None


def index_status(store: Store, settings: Settings, framework: str) -> IndexStatus:
    """How far `framework`'s index is, from its saved index and its latest build job."""
    return status_of(framework, index_meta(settings, framework), latest_index_job(store, framework))


def status_of(framework: str, meta: IndexMeta | None, job: JobInfo | None) -> IndexStatus:
    """A complete index is ready (a rebuild beside it does not stop it serving); otherwise the
    latest job says whether the full one is queued, building or failed."""
    if meta is not None and not meta.partial:
        return IndexStatus(framework, "ready")
    if job is None or job.state == "done":
        return IndexStatus(framework, "missing" if meta is None else "partial", progress=0.0)
    counts = job.counts
    state: IndexState = JOB_STATES.get(job.state, "failed")
    return IndexStatus(
        framework,
        state,
        progress=job.progress,
        rows_done=counts.get("rows_done"),
        rows_total=counts.get("rows_total"),
        eta_seconds=counts.get("eta_seconds"),
        job_id=job.id,
        error=job.error,
    )
