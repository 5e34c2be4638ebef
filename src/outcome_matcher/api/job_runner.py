"""Running align jobs in threads of the server: progress and heartbeats go to the jobs table,
and jobs whose server died are resumed (align resumes in its output folder) or failed."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.config import Settings
from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import JobInfo, Store

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 2.0
# A job whose heartbeat is this old has no server running it any more.
STALE_AFTER = timedelta(seconds=10)
MAX_ATTEMPTS = 2  # an align that took its server down twice is failed, not retried forever
RESTARTED = "server restarted"


class _Progress:
    """Throttled progress writes (at most one a second) with rate and ETA."""

    def __init__(self, store: Store, job_id: str) -> None:
        self.store, self.job_id = store, job_id
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 1.0 and done < total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        eta = (total - done) / rate if rate > 0 else None
        counts = {"rows_done": done, "rows_total": total, "rate": round(rate, 2),
                  "eta_seconds": None if eta is None else round(eta, 1)}  # fmt: skip
        self.store.update_job(self.job_id, progress=done / total if total else 1.0, counts=counts)


def _beat(store: Store, job_id: str, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            store.beat(job_id)
        except OutcomeMatcherError as error:  # the database is away: the next beat may work
            log.warning("job %s heartbeat: %s", job_id, error.message)


def options_of(params: dict[str, Any]) -> AlignOptions:
    return AlignOptions(
        framework=params["framework"],
        standard=params.get("standard"),
        top_k=params["top_k"],
        chunk_size=params["chunk_size"],
        to_store=params["store"],
    )


def run_align(job: JobInfo, settings: Settings, store: Store, matcher: Matcher) -> None:
    """Run (or resume) an align job to its end, recording the outcome in the job's row."""
    params = job.params
    stop = threading.Event()
    threading.Thread(target=_beat, args=(store, job.id, stop), daemon=True).start()
    progress = _Progress(store, job.id)
    try:
        store.update_job(job.id, state="running")
        result = align(
            [Path(p) for p in params["catalogues"]],
            options_of(params),
            Path(params["output_dir"]),
            settings=settings,
            store=store,
            encoder=matcher.encoder,
            progress=progress,
        )
        counts = {**store.get_job(job.id).counts, "result": result.manifest["counts"]}
        counts.update(run_id=result.run_id, eta_seconds=0)
        store.update_job(job.id, state="done", progress=1.0, counts=counts)
    except OutcomeMatcherError as error:
        store.update_job(job.id, state="failed", error=error.message)
    except Exception:  # a job thread must report, not die silently; details only in the log
        log.exception("align job %s failed", job.id)
        store.update_job(
            job.id, state="failed", error="internal error; the server log has the details"
        )
    finally:
        stop.set()


def start_align(job: JobInfo, settings: Settings, store: Store, matcher: Matcher) -> None:
    args = (job, settings, store, matcher)
    threading.Thread(target=run_align, args=args, name=f"align-{job.id}", daemon=True).start()


def recover(settings: Settings, store: Store, matcher: Matcher) -> list[JobInfo]:
    """Jobs nobody runs any more: align ones are resumed (once), the others failed."""
    claimed = []
    for job in store.stale_jobs(STALE_AFTER):
        attempts = int(job.params.get("attempts", 1))
        resume = job.kind == "align" and attempts < MAX_ATTEMPTS
        if not store.claim_stale_job(job.id, STALE_AFTER):
            continue  # another server got it first
        if resume:
            store.update_job(
                job.id, state="queued", params={**job.params, "attempts": attempts + 1}
            )
            start_align(store.get_job(job.id), settings, store, matcher)
        else:
            store.update_job(job.id, state="failed", error=RESTARTED)
        claimed.append(store.get_job(job.id))
    return claimed


def watch(settings: Settings, store: Store, matcher: Matcher, stop: threading.Event) -> None:
    """Recover at start, then every few seconds (a server of the same database may die)."""
    while True:
        try:
            for job in recover(settings, store, matcher):
                log.warning("job %s (%s) recovered: %s", job.id, job.kind, job.state)
        except OutcomeMatcherError as error:
            log.warning("job recovery: %s", error.message)
        if stop.wait(STALE_AFTER.total_seconds() / 2):
            return
