"""align(): whole catalogues against one framework, chunked, resumable, with a manifest."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from outcome_matcher import __version__
from outcome_matcher.batch import output
from outcome_matcher.batch.chunk import chunk_body, query_result
from outcome_matcher.batch.inputs import Chunk, chunks, count_rows
from outcome_matcher.batch.pool import release_memory, run_pool
from outcome_matcher.batch.specs import (
    MatcherSpec,
    cache_path,
    flush_cache,
    index_for,
    spec_from_settings,
    spec_of,
)
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import ConflictError
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.services import calibration_name, standard_requirements
from outcome_matcher.store import Store

log = logging.getLogger(__name__)

Engine = Literal["local", "ray"]
Progress = Callable[[int, int], None]
FORMAT_VERSION = 1
STORE_BATCH = 2000
# The packages whose code decides the output rows (hashed into the run key).
_ROW_CODE = ("batch", "retrieval", "encoders")


@dataclass(frozen=True)
class AlignOptions:
    """What to align against and how; the parts that change output are in the run key."""

    framework: str
    standard: str | None = None
    top_k: int = 10
    chunk_size: int = 1000
    engine: Engine = "local"
    to_store: bool = False
    restart: bool = False
    # Ray actors (default: the cluster's CPUs) or local processes (default: settings.threads)
    workers: int | None = None


@dataclass
class AlignResult:
    """Where the outputs are, the manifest written, run timings, and the store run if any."""

    output_dir: Path
    manifest: dict[str, Any]
    timings: dict[str, Any]
    run_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def align(
    catalogue_paths: Sequence[Path],
    options: AlignOptions,
    output_dir: Path,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    encoder: Encoder | None = None,
    progress: Progress | None = None,
) -> AlignResult:
    """Align every statement of the inputs; a re-run in the same directory resumes.

    With more than one local worker (the default when `settings.threads` > 1) the chunks run
    in spawned processes, so a script calling this needs the usual
    `if __name__ == "__main__":` guard (or `options.workers=1`).
    """
    settings = settings or Settings()
    paths = [Path(p) for p in catalogue_paths]
    started = time.perf_counter()
    with _opened(store, settings) as db:
        spec, loaded = _encoder(settings, encoder)
        mspec = MatcherSpec(
            spec,
            options.framework,
            str(index_for(settings, db, options.framework, loaded)),
            calibration_name(settings),
            settings.fallback_threshold,
            lexical=settings.lexical,
            label_fusion=settings.label_fusion,
            lexical_analyzers=settings.lexical_analyzers,
            lexical_other_languages=settings.lexical_other_languages,
            max_chars=settings.max_text_chars,
            refit_data_dir=str(settings.data_dir),
        )
        flush_cache(loaded)
        required = _required(db, options)
        key = _run_key(paths, options, mspec, loaded)
        in_process = options.engine == "local" and local_workers(options, settings) == 1
        # Workers or actors load their own encoder: drop ours (~350 MB, most of it the XLM-R
        # tokenizer) for the run unless the caller lent it.
        kept: Encoder | None = loaded if in_process or encoder is not None else None
        del loaded
        if kept is None:
            release_memory()
        _claim(output_dir, key, options.restart)
        total = count_rows(paths, max_chars=settings.max_text_chars)
        n_chunks = math.ceil(total / options.chunk_size)
        load_seconds = time.perf_counter() - started
        resumed = len(output.done_chunks(output_dir))
        if options.engine == "ray":
            from outcome_matcher.batch.ray_engine import run_ray

            run_ray(mspec, paths, options, output_dir, settings, required, total, progress)
        else:
            _run_local(mspec, kept, paths, options, output_dir, settings, required, total, progress)
        counts = output.merge(output_dir, n_chunks)
        manifest = _manifest(key, counts, n_chunks, output_dir)
        output.write_json(output_dir / output.MANIFEST, manifest)
        run_id = _store_run(db, output_dir, options, key, n_chunks) if options.to_store else None
    timings = _timings(options, settings, started, load_seconds, counts["rows"], resumed, kept)
    output.write_json(output_dir / output.TIMINGS, timings)
    return AlignResult(output_dir, manifest, timings, run_id)


@contextlib.contextmanager
def _opened(store: Store | None, settings: Settings) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    own = Store.open(settings.db_url)
    try:
        yield own
    finally:
        own.close()


def _encoder(settings: Settings, encoder: Encoder | None) -> tuple[Any, Encoder]:
    if encoder is not None:
        return spec_of(encoder, settings.threads), encoder
    spec = spec_from_settings(settings)
    return spec, spec.load()


def _required(store: Store, options: AlignOptions) -> list[str] | None:
    if options.standard is None:
        return None
    return standard_requirements(store, options.framework, options.standard)


def local_workers(options: AlignOptions, settings: Settings) -> int:
    """Processes of the local engine: --workers, else one per configured thread."""
    return options.workers or settings.threads


def _run_local(
    spec: MatcherSpec,
    encoder: Encoder | None,
    paths: Sequence[Path],
    options: AlignOptions,
    out: Path,
    settings: Settings,
    required: list[str] | None,
    total: int,
    progress: Progress | None,
) -> None:
    """The chunks not yet done: in this process, or on worker processes of one thread each.

    With workers, this process never loads the index: they do.
    """
    done = output.done_chunks(out)
    rows_done = 0

    def advance(rows: int) -> None:
        nonlocal rows_done
        rows_done += rows
        if progress:
            progress(rows_done, total)

    def todo() -> Iterator[Chunk]:
        for chunk in chunks(paths, options.chunk_size, max_chars=settings.max_text_chars):
            if chunk.index in done:
                advance(len(chunk.rows))
            else:
                yield chunk

    workers = local_workers(options, settings)
    if workers > 1:
        run_pool(
            spec,
            todo(),
            out,
            workers=workers,
            top_k=options.top_k,
            competency_ids=required,
            progress=advance,
        )
        return
    matcher = spec.load(encoder)
    for chunk in todo():
        start = time.perf_counter()
        body = chunk_body(
            matcher,
            options.framework,
            chunk.rows,
            top_k=options.top_k,
            max_chars=settings.max_text_chars,
            competency_ids=required,
        )
        output.write_part_body(out, chunk.index, body, time.perf_counter() - start)
        advance(len(chunk.rows))


def _run_key(
    paths: Sequence[Path], options: AlignOptions, spec: MatcherSpec, encoder: Encoder
) -> dict[str, Any]:
    """Everything that decides the output rows: a re-run must match it to resume."""
    meta = FrameworkIndex.load_meta(Path(spec.index_path))
    calibration = spec.calibration()
    return {
        "inputs": [{"name": p.name, "sha256": output.file_sha256(p)} for p in paths],
        "framework": options.framework,
        "framework_version": meta.framework_version,
        "framework_fields": list(meta.fields),
        "standard": options.standard,
        "top_k": options.top_k,
        "chunk_size": options.chunk_size,
        "lexical": spec.lexical,
        "model": {"name": encoder.name, "fingerprint": encoder.fingerprint},
        "thresholds": {
            "operating": calibration.threshold if calibration else spec.fallback_threshold,
            "calibrated": calibration is not None,
            # Which calibration: the shipped one's or the deployment refit's `fitted_on`.
            "calibration": calibration.fitted_on if calibration else None,
        },
        "code_version": {"package": __version__, "source": _source_digest()},
    }


def _source_digest() -> str:
    """A short hash of the code that shapes the rows, so an edited checkout shows."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for part in _ROW_CODE for p in root.glob(f"{part}/*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _claim(out: Path, key: dict[str, Any], restart: bool) -> None:
    """Start or resume a run in `out`; another run's directory is never silently mixed in."""
    out.mkdir(parents=True, exist_ok=True)
    key_path = out / output.RUN_KEY
    if key_path.is_file() and not restart:
        import json

        if json.loads(key_path.read_text(encoding="utf-8")) != key:
            raise ConflictError(
                f"{out} holds a run with other inputs or settings; use another directory "
                "or restart it (--restart)",
                output=str(out),
            )
        return
    for name in (output.PARTS,):
        shutil.rmtree(out / name, ignore_errors=True)
    for name in (output.JOURNAL, output.JSONL, output.PARQUET, output.MANIFEST, "store.json"):
        (out / name).unlink(missing_ok=True)
    output.write_json(key_path, key)


def _manifest(
    key: dict[str, Any], counts: dict[str, int], n_chunks: int, out: Path
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        **key,
        "counts": {**counts, "chunks": n_chunks},
        "outputs": {
            name: output.file_sha256(out / name) for name in (output.JSONL, output.PARQUET)
        },
    }


def _store_run(
    store: Store, out: Path, options: AlignOptions, key: dict[str, Any], n_chunks: int
) -> int:
    """Save the run's suggestions as one suggestion run (once per output directory)."""
    marker = out / "store.json"
    if marker.is_file():
        import json

        return int(json.loads(marker.read_text(encoding="utf-8"))["run_id"])
    run = store.add_suggestion_run(
        framework=options.framework,
        model_fingerprint=key["model"]["fingerprint"],
        thresholds={"operating": key["thresholds"]["operating"]},
        params={
            "top_k": options.top_k,
            "standard": options.standard,
            "source": "align",
            "calibration": key["thresholds"].get("calibration"),
        },
    )
    batch = []
    for rec in output.iter_records(out, n_chunks):
        batch.append(query_result(rec))
        if len(batch) == STORE_BATCH:
            store.add_suggestions(run.id, batch)
            batch = []
    if batch:
        store.add_suggestions(run.id, batch)
    output.write_json(marker, {"run_id": run.id})
    return run.id


def _timings(
    options: AlignOptions,
    settings: Settings,
    started: float,
    load_seconds: float,
    rows: int,
    resumed: int,
    encoder: Encoder | None,
) -> dict[str, Any]:
    seconds = time.perf_counter() - started
    workers = options.workers if options.engine == "ray" else local_workers(options, settings)
    # Workers keep their own counts; this process's cache only saw the set-up.
    in_process = options.engine == "local" and workers == 1
    cache = getattr(encoder, "cache", None) if in_process else None
    return {
        "engine": options.engine,
        "threads": settings.threads,
        "workers": workers,
        "seconds": round(seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "rows_per_second": round(rows / max(seconds - load_seconds, 1e-9), 2),
        "chunks_resumed": resumed,
        "cache_hits": getattr(cache, "hits", None),
        "cache_misses": getattr(cache, "misses", None),
        "cache_file": str(cache_path(settings)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
