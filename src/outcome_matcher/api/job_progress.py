"""What every job thread shares: throttled progress with rate and ETA, the heartbeat, the stop
a shutting-down server asks for, and how a job's row records its end."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.store import Store

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 2.0
INTERNAL_ERROR = "internal error; the server log has the details"


class Interrupted(Exception):
    """The server is shutting down: the job stops at its next progress report."""


class JobProgress:
    """Throttled progress writes (at most one a second) with rate and ETA; raises Interrupted
    once `stop` is set, so a job ends with its server."""

    def __init__(self, store: Store, job_id: str, stop: threading.Event | None = None) -> None:
        self.store, self.job_id, self.stop = store, job_id, stop
        self.started = time.monotonic()
        self.last = -math.inf  # the first report is written at once

    def __call__(self, done: int, total: int) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Interrupted(self.job_id)
        now = time.monotonic()
        if now - self.last < 1.0 and done < total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        eta = (total - done) / rate if rate > 0 else None
        counts = {"rows_done": done, "rows_total": total, "rate": round(rate, 2),
                  "eta_seconds": None if eta is None else round(eta, 1)}  # fmt: skip
        self.store.update_job(self.job_id, progress=done / total if total else 1.0, counts=counts)


def heartbeat(store: Store, job_id: str) -> threading.Event:
    """Beat for `job_id` every few seconds in a daemon thread until the returned event is set."""
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(store, job_id, stop), daemon=True)
    thread.start()
    return stop


def _beat(store: Store, job_id: str, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            store.beat(job_id)
        except OutcomeMatcherError as error:  # the database is away: the next beat may work
            log.warning("job %s heartbeat: %s", job_id, error.message)


@contextmanager
def running(store: Store, job_id: str, kind: str) -> Iterator[None]:
    """The body of a job thread: marked running, with a heartbeat; an error ends it `failed`
    with the error's message (anything unexpected only in the log: a job thread must report,
    not die silently). The body records its own success."""
    beating = heartbeat(store, job_id)
    try:
        store.update_job(job_id, state="running")
        yield
    except OutcomeMatcherError as error:
        store.update_job(job_id, state="failed", error=error.message)
    except Exception:
        log.exception("%s job %s failed", kind, job_id)
        store.update_job(job_id, state="failed", error=INTERNAL_ERROR)
    finally:
        beating.set()
