"""On-disk caches for evaluation: passage vectors per model, and built framework indexes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.retrieval.index import FrameworkIndex, competency_texts
from outcome_matcher.schemas import Framework

log = logging.getLogger(__name__)
# New vectors are written as a shard once this many have accumulated, so a long build that is
# interrupted keeps most of its work.
_SHARD_SIZE = 5_000


class CachingEncoder:
    """An Encoder that remembers passage vectors on disk, in append-only shards per model.

    Frameworks share many texts (the MELO English corpora, ESCO labels in a label-only and a
    full index), so each distinct passage is encoded once per model. Queries pass through.
    """

    def __init__(self, inner: Encoder, directory: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self.dim = inner.dim
        self.directory = directory / inner.fingerprint
        self._vectors: dict[str, NDArray[np.float32]] | None = None
        self._pending: dict[str, NDArray[np.float32]] = {}
        self.encoded = 0

    def encode_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        known = self._known()
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            for text, vec in zip(missing, self.inner.encode_passages(missing), strict=True):
                known[text] = self._pending[text] = vec
            self.encoded += len(missing)
            if len(self._pending) >= _SHARD_SIZE:
                self.flush()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def flush(self) -> None:
        """Write the vectors encoded since the last flush as a new shard."""
        _write_shard(self.directory, self._pending)
        self._pending = {}

    def _known(self) -> dict[str, NDArray[np.float32]]:
        if self._vectors is None:
            self._vectors = _read_shards(self.directory)
        return self._vectors


def seed_from_index(index_dir: Path, cache_dir: Path) -> int:
    """Copy the passage vectors of an already built index into the vector cache.

    An index built by `frameworks add` holds the passages the ESCO dev sets need, so its
    vectors spare the evaluation a second embedding of the whole framework. Returns how
    many vectors were new to the cache.
    """
    index = FrameworkIndex.load(index_dir)
    directory = cache_dir / index.meta.fingerprint
    known = _read_shards(directory)
    new = {
        text: vec
        for text, vec in zip(index.row_texts, index.vectors, strict=True)
        if text not in known
    }
    _write_shard(directory, new)
    return len(new)


def _write_shard(directory: Path, vectors: dict[str, NDArray[np.float32]]) -> None:
    if not vectors:
        return
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"shard-{time.time_ns()}-{os.getpid()}"
    texts = list(vectors)
    tmp = directory / f".{stem}.npy"
    with tmp.open("wb") as fh:
        np.save(fh, np.stack([vectors[t] for t in texts]))
    (directory / f"{stem}.json").write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
    os.replace(tmp, directory / f"{stem}.npy")


def _read_shards(directory: Path) -> dict[str, NDArray[np.float32]]:
    vectors: dict[str, NDArray[np.float32]] = {}
    for matrix_path in sorted(directory.glob("shard-*.npy")):
        texts_path = matrix_path.with_suffix(".json")
        if not texts_path.is_file():
            continue
        texts = json.loads(texts_path.read_text("utf-8"))
        matrix = np.load(matrix_path)
        if len(texts) == len(matrix):
            vectors.update(zip(texts, matrix, strict=True))
    if vectors:
        log.info("read %d cached passage vectors from %s", len(vectors), directory)
    return vectors


def index_key(framework: Framework, fingerprint: str, fields: Sequence[str]) -> str:
    """A hash of what an index holds: the model, the fields, every indexed text and language."""
    digest = hashlib.sha256(f"{fingerprint}\0{','.join(fields)}".encode())
    for c in framework.competencies:
        # The language goes in too: the index records it and the lexical signal reads it.
        digest.update(f"\x1e{c.id}\x1f{c.label}\x1f{c.lang}".encode())
        for kind, text in competency_texts(c, fields):
            digest.update(f"\x1f{kind}\x1f{text}".encode())
    return digest.hexdigest()[:16]


def cached_index(
    framework: Framework,
    encoder: Encoder,
    cache_dir: Path,
    *,
    fields: Sequence[str],
    batch_size: int = 256,
) -> tuple[FrameworkIndex, float]:
    """Load the index of `framework` from `cache_dir` or build and save it; also the seconds."""
    start = time.perf_counter()
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in framework.name)
    directory = cache_dir / f"{safe}-{index_key(framework, encoder.fingerprint, fields)}"
    if (directory / "meta.json").is_file():
        try:
            return FrameworkIndex.load(directory), time.perf_counter() - start
        except (OutcomeMatcherError, OSError, ValueError, KeyError) as error:
            log.warning("rebuilding unreadable cached index %s: %s", directory, error)
    index = FrameworkIndex.build(framework, encoder, fields=fields, batch_size=batch_size)
    if isinstance(encoder, CachingEncoder):
        encoder.flush()
    index.save(directory)
    return index, time.perf_counter() - start
