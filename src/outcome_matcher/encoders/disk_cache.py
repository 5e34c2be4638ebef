"""An embedding cache persisted in SQLite, keyed by model fingerprint, kind and text sha1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.encoders import EmbeddingCache

Key = tuple[str, str, str]
_SCHEMA = """CREATE TABLE IF NOT EXISTS vectors (
    fingerprint TEXT NOT NULL, kind TEXT NOT NULL, sha1 TEXT NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (fingerprint, kind, sha1)) WITHOUT ROWID"""


class DiskEmbeddingCache(EmbeddingCache):
    """Memory LRU in front of a SQLite file; `flush()` writes new vectors in one transaction.

    Vectors are written first-writer-wins (INSERT OR IGNORE), so a text's cached vector never
    changes once stored, and several processes may share one file.
    """

    def __init__(self, path: Path, maxsize: int = 20_000) -> None:
        super().__init__(maxsize)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=60.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()
        self._pending: dict[Key, NDArray[np.float32]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> NDArray[np.float32] | None:
        vec = super().get(key)
        if vec is None:
            vec = self._pending.get(key)
        if vec is None:
            vec = self._load(key)
            if vec is not None:
                super().put(key, vec)
        if vec is None:
            self.misses += 1
        else:
            self.hits += 1
        return vec

    def put(self, key: Key, vec: NDArray[np.float32]) -> None:
        super().put(key, vec)
        self._pending[key] = vec

    def flush(self) -> None:
        """Persist the vectors added since the last flush."""
        if not self._pending:
            return
        rows = [(*key, np.asarray(v, dtype="<f4").tobytes()) for key, v in self._pending.items()]
        with self._lock, self._db:
            self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)", rows)
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._db.close()

    def _load(self, key: Key) -> NDArray[np.float32] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT vector FROM vectors WHERE fingerprint=? AND kind=? AND sha1=?", key
            ).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype="<f4").astype(np.float32)
