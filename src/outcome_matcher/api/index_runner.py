"""Full index builds in a thread of the server: the one services-level build
(services.reindex_framework) with progress in the job's row, the complete index swapped into
the matcher, and a stop that leaves the job queued for the next start."""

from __future__ import annotations

import logging
import threading

from outcome_matcher import services
from outcome_matcher.api.job_progress import Interrupted, JobProgress, running
from outcome_matcher.config import Settings
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.services.index_jobs import KIND, index_meta
from outcome_matcher.store import JobInfo, Store

log = logging.getLogger(__name__)
# A build that took its server down this often is failed, not retried forever.
MAX_ATTEMPTS = 3
__all__ = ["KIND", "MAX_ATTEMPTS", "claim_queued", "refresh", "run_index", "start_index"]


def run_index(
    job: JobInfo, settings: Settings, store: Store, matcher: Matcher, stop: threading.Event
) -> None:
    """Build the job's framework's full index, then serve it; the job's row says how it ended.

    A stop (the server shutting down) ends the build at its next progress report and queues
    the job again, so the next start runs it without counting a failed attempt.
    """
    name = job.params.get("framework")
    if not isinstance(name, str):
        store.update_job(job.id, state="failed", error="an index job names no framework")
        return
    with running(store, job.id, KIND):
        try:
            services.reindex_framework(
                store, matcher.encoder, settings, name, JobProgress(store, job.id, stop)
            )
        except Interrupted:
            store.update_job(job.id, state="queued")
            return
        refresh(settings, matcher, [name])
        counts = {**store.get_job(job.id).counts, "eta_seconds": 0}
        store.update_job(job.id, state="done", progress=1.0, counts=counts)
        log.info("index job %s: %s is complete", job.id, name)


def start_index(
    job: JobInfo, settings: Settings, store: Store, matcher: Matcher, stop: threading.Event
) -> threading.Thread:
    """Run the build in a daemon thread: it never outlives the server's process."""
    thread = threading.Thread(
        target=run_index,
        args=(job, settings, store, matcher, stop),
        name=f"index-{job.id}",
        daemon=True,
    )
    thread.start()
    return thread


def claim_queued(
    settings: Settings, store: Store, matcher: Matcher, stop: threading.Event
) -> list[threading.Thread]:
    """Start the queued index builds this server claims first (one server runs each)."""
    return [
        start_index(store.get_job(job.id), settings, store, matcher, stop)
        for job in store.queued_jobs(KIND)
        if store.claim_queued_job(job.id)
    ]


def refresh(settings: Settings, matcher: Matcher, names: list[str] | None = None) -> list[str]:
    """Serve the complete index of each framework whose served index is partial (or missing),
    once saved (by this server's job, another server or `frameworks reindex`); the names
    swapped in."""
    swapped = []
    candidates = names if names is not None else [*matcher.indexes, *matcher.unavailable]
    for name in candidates:
        served = matcher.indexes.get(name)
        if served is not None and not served.meta.partial:
            continue
        saved = index_meta(settings, name)
        if saved is None or saved.partial:
            continue
        if saved.fingerprint != matcher.encoder.fingerprint:
            continue
        matcher.add_index(name, FrameworkIndex.load(services.index_dir(settings, name)))
        swapped.append(name)
    return swapped
