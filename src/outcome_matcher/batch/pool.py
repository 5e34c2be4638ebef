"""The local engine on several cores: worker processes of one thread each, one matcher each.

One int8 ONNX call per text is small work: two threads inside one call mostly wait for
each other, while two processes of one thread keep both cores busy (measured: 185 texts/s
in one process with 2 threads, 286/s in two processes with 1 thread each). The workers run
the same chunk function as the in-process path and the Ray actors; only the parent writes
parts, so resuming and byte-identical output work as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from outcome_matcher.batch import output
from outcome_matcher.batch.chunk import chunk_body
from outcome_matcher.batch.inputs import AlignRow, Chunk
from outcome_matcher.batch.specs import MatcherSpec
from outcome_matcher.retrieval.matcher import Matcher


@dataclass(frozen=True)
class _Job:
    matcher: Matcher
    framework: str
    top_k: int
    max_chars: int
    competency_ids: Sequence[str] | None


_job: _Job | None = None  # the worker process's loaded matcher


def release_memory() -> None:
    """Hand freed heap back to the OS: glibc keeps it after big loads (JSON, tokenizer)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# PR_SET_PDEATHSIG from <linux/prctl.h>; how often the fallback watchdog looks at the parent.
_PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 0.5


def _die_with_parent(parent: int) -> None:
    """End this worker when the parent dies, even by SIGKILL (no cleanup runs then).

    Linux kills it at once (PR_SET_PDEATHSIG); elsewhere, and should the parent have died
    before the call, a daemon thread notices the changed parent pid and exits.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)  # the parent is gone: nobody will read our results

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _start_worker(
    spec: MatcherSpec, top_k: int, competency_ids: list[str] | None, parent: int
) -> None:
    global _job
    _die_with_parent(parent)
    _job = _Job(spec.load(), spec.framework, top_k, spec.max_chars, competency_ids)
    release_memory()


def _align_in_worker(index: int, rows: list[AlignRow]) -> tuple[int, str, float]:
    if _job is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("align worker used before it was started")
    started = time.perf_counter()
    body = chunk_body(
        _job.matcher,
        _job.framework,
        rows,
        top_k=_job.top_k,
        max_chars=_job.max_chars,
        competency_ids=_job.competency_ids,
    )
    return index, body, time.perf_counter() - started


def run_pool(
    spec: MatcherSpec,
    todo: Iterable[Chunk],
    out: Path,
    *,
    workers: int,
    top_k: int,
    competency_ids: list[str] | None,
    progress: Callable[[int], None],
) -> None:
    """Align `todo` on `workers` processes; each finished chunk is written as it lands.

    At most two chunks per worker are in flight, so a catalogue of millions of rows is never
    held in memory. `progress` gets the rows of each chunk written.
    """
    one_thread = dataclasses.replace(spec, encoder=dataclasses.replace(spec.encoder, threads=1))
    # spawn, not fork: the parent already runs onnxruntime and torch thread pools.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(one_thread, top_k, competency_ids, os.getpid()),
    )
    pending: dict[Future[tuple[int, str, float]], int] = {}
    try:
        for chunk in todo:
            pending[pool.submit(_align_in_worker, chunk.index, list(chunk.rows))] = len(chunk.rows)
            if len(pending) >= 2 * workers:
                _write_finished(pending, out, progress)
        while pending:
            _write_finished(pending, out, progress)
    finally:
        # On an error, queued chunks are dropped; the finished ones are already on disk.
        pool.shutdown(wait=True, cancel_futures=True)


def _write_finished(
    pending: dict[Future[tuple[int, str, float]], int],
    out: Path,
    progress: Callable[[int], None],
) -> None:
    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in finished:
        rows = pending.pop(future)
        index, body, seconds = future.result()
        output.write_part_body(out, index, body, seconds)
        progress(rows)
