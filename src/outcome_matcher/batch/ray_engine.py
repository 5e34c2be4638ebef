"""--engine ray: the same chunk function through Ray Data, one matcher per actor."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from outcome_matcher.batch import output
from outcome_matcher.batch.chunk import chunk_body
from outcome_matcher.batch.inputs import AlignRow, Chunk, chunks
from outcome_matcher.batch.specs import MatcherSpec
from outcome_matcher.config import Settings

Progress = Callable[[int, int], None]


class AlignActor:
    """Loads the encoder and the framework index once, then aligns chunk after chunk."""

    def __init__(self, spec: MatcherSpec, top_k: int, competency_ids: list[str] | None) -> None:
        self.matcher = spec.load()
        self.framework = spec.framework
        self.top_k = top_k
        self.max_chars = spec.max_chars
        self.competency_ids = competency_ids

    def __call__(self, batch: pa.Table) -> pa.Table:
        indexes: list[int] = []
        bodies: list[str] = []
        seconds: list[float] = []
        for item in batch.to_pylist():
            start = time.perf_counter()
            rows = [AlignRow(*values) for values in zip(*_columns(item), strict=True)]
            body = chunk_body(
                self.matcher,
                self.framework,
                rows,
                top_k=self.top_k,
                max_chars=self.max_chars,
                competency_ids=self.competency_ids,
            )
            indexes.append(int(item["chunk"]))
            bodies.append(body)
            seconds.append(time.perf_counter() - start)
        return pa.table({"chunk": indexes, "body": bodies, "seconds": seconds})


def _columns(item: dict[str, Any]) -> tuple[list[Any], ...]:
    return item["ids"], item["texts"], item["programmes"], item["modules"]


def _item(chunk: Chunk) -> dict[str, Any]:
    return {
        "chunk": chunk.index,
        "ids": [r.id for r in chunk.rows],
        "texts": [r.text for r in chunk.rows],
        "programmes": [r.programme for r in chunk.rows],
        "modules": [r.module for r in chunk.rows],
    }


def ensure_ray() -> None:
    """Join the cluster at RAY_ADDRESS, or start a local one, unless already connected."""
    import ray

    if not ray.is_initialized():
        ray.init(address=os.environ.get("RAY_ADDRESS") or None, include_dashboard=False)


def run_ray(
    spec: MatcherSpec,
    paths: Sequence[Path],
    options: Any,
    out: Path,
    settings: Settings,
    required: list[str] | None,
    total: int,
    progress: Progress | None,
) -> None:
    """Align the chunks not yet done on an actor pool; the driver writes each part as it lands."""
    import ray
    import ray.data

    ensure_ray()
    done = output.done_chunks(out)
    sizes: dict[int, int] = {}
    items = []
    for chunk in chunks(paths, options.chunk_size, max_chars=settings.max_text_chars):
        sizes[chunk.index] = len(chunk.rows)
        if chunk.index not in done:
            items.append(_item(chunk))
    rows_done = sum(n for i, n in sizes.items() if i in done)
    if progress:
        progress(rows_done, total)
    if not items:
        return
    cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
    workers = options.workers or max(1, int(cpus))
    # One thread per actor: parallelism comes from actors, not from oversubscribed threads.
    actor_spec = dataclasses.replace(spec, encoder=dataclasses.replace(spec.encoder, threads=1))
    dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
        AlignActor,
        fn_constructor_args=(actor_spec, options.top_k, required),
        batch_size=1,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=min(workers, len(items))),
        num_cpus=1,
    )
    for row in dataset.iter_rows():
        index = int(row["chunk"])
        output.write_part_body(out, index, str(row["body"]), float(row["seconds"]))
        rows_done += sizes[index]
        if progress:
            progress(rows_done, total)
