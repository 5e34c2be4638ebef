"""Running jobs in threads of the server: align runs and full index builds. Progress and
heartbeats go to the jobs table; jobs whose server died are resumed (align resumes in its
output folder, an index build starts again) or failed after too many attempts."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from outcome_matcher.api import index_runner
from outcome_matcher.api.job_progress import JobProgress, running
from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.config import Settings
from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.learning import remember
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import JobInfo, Store

log = logging.getLogger(__name__)
# A job whose heartbeat is this old has no server running it any more.
STALE_AFTER = timedelta(seconds=10)
MAX_ATTEMPTS = 2  # an align that took its server down twice is failed, not retried forever
RESTARTED = "server restarted"


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
    with running(store, job.id, "align"):
        result = align(
            [Path(p) for p in params["catalogues"]],
            options_of(params),
            Path(params["output_dir"]),
            settings=settings,
            store=store,
            encoder=matcher.encoder,
            progress=JobProgress(store, job.id),
        )
        counts = {**store.get_job(job.id).counts, "result": result.manifest["counts"]}
        counts.update(run_id=result.run_id, eta_seconds=0)
        store.update_job(job.id, state="done", progress=1.0, counts=counts)


def start_align(job: JobInfo, settings: Settings, store: Store, matcher: Matcher) -> None:
    args = (job, settings, store, matcher)
    threading.Thread(target=run_align, args=args, name=f"align-{job.id}", daemon=True).start()


def recover(settings: Settings, store: Store, matcher: Matcher) -> list[JobInfo]:
    """Jobs nobody runs any more: align ones are resumed (once), index builds queued again
    (claim_queued starts them; a few times), the others failed."""
    claimed = []
    for job in store.stale_jobs(STALE_AFTER):
        index = job.kind == index_runner.KIND
        if index and job.state == "queued":
            continue  # never started: claim_queued starts it, without counting an attempt
        attempts = int(job.params.get("attempts", 1))
        resume = (job.kind == "align" or index) and attempts < (
            index_runner.MAX_ATTEMPTS if index else MAX_ATTEMPTS
        )
        if not store.claim_stale_job(job.id, STALE_AFTER):
            continue  # another server got it first
        if resume:
            params = {**job.params, "attempts": attempts + 1}
            store.update_job(job.id, state="queued", params=params)
            if not index:
                start_align(store.get_job(job.id), settings, store, matcher)
        else:
            store.update_job(job.id, state="failed", error=RESTARTED)
        claimed.append(store.get_job(job.id))
    return claimed


def watch(
    settings: Settings,
    store: Store,
    matcher: Matcher,
    stop: threading.Event,
    started: list[threading.Thread] | None = None,
    memories_seen: dict[str, tuple[int, float]] | None = None,
) -> None:
    """At start, then every few seconds (a server of the same database may die): recover stale
    jobs, start queued index builds (their threads go to `started`, for the shutdown to wait
    on), load indexes another process completed, rebuild decision memories whose decisions
    changed (OUTCOME_MATCHER_MEMORY)."""
    seen = memories_seen if memories_seen is not None else {}
    while True:
        try:
            for job in recover(settings, store, matcher):
                log.warning("job %s (%s) recovered: %s", job.id, job.kind, job.state)
            threads = index_runner.claim_queued(settings, store, matcher, stop)
            if started is not None:
                started.extend(threads)
            index_runner.refresh(settings, matcher)
            if settings.memory:
                remember.refresh_memories(store, matcher, settings.data_dir, seen)
        except OutcomeMatcherError as error:
            log.warning("job recovery: %s", error.message)
        except Exception:  # the watcher must outlive any one pass; the details go to the log
            log.exception("job watcher pass failed")
        if stop.wait(STALE_AFTER.total_seconds() / 2):
            return
