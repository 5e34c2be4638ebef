"""The Encoder protocol every backend implements, its embedding cache and model fingerprints."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.errors import InputError, ModelNotBuiltError

Kind = Literal["query", "passage"]
_WEIGHT_SUFFIXES = (".safetensors", ".bin")
# Files that change what a model outputs; build_info.json and README.md do not.
_CONFIG_FILES = (
    "tokenizer.json",
    "modules.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)


class Encoder(Protocol):
    """Turns statements into L2-normalised float32 vectors of shape (n, dim)."""

    name: str
    fingerprint: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> NDArray[np.float32]: ...

    def encode_passages(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


class EmbeddingCache:
    """A thread-safe LRU of single embeddings keyed by (fingerprint, kind, sha1 of the text)."""

    def __init__(self, maxsize: int = 20_000) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple[str, str, str], NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(fingerprint: str, kind: str, text: str) -> tuple[str, str, str]:
        return fingerprint, kind, hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, key: tuple[str, str, str]) -> NDArray[np.float32] | None:
        with self._lock:
            vec = self._data.get(key)
            if vec is not None:
                self._data.move_to_end(key)
            return vec

    def put(self, key: tuple[str, str, str], vec: NDArray[np.float32]) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._data[key] = vec
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def model_fingerprint(model_dir: Path) -> str:
    """A short hash of a model folder's weights, tokenizer and prompt/pooling config."""
    digest = hashlib.sha256()
    files = sorted(p for p in model_dir.glob("*") if p.suffix in _WEIGHT_SUFFIXES)
    files += [model_dir / name for name in _CONFIG_FILES if (model_dir / name).is_file()]
    if not any(p.suffix in _WEIGHT_SUFFIXES for p in files):
        raise ModelNotBuiltError(f"no weights file in {model_dir}", model_dir=str(model_dir))
    for path in files:
        digest.update(path.relative_to(model_dir).as_posix().encode() + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def checked_texts(texts: Sequence[str]) -> list[str]:
    """The texts as a list; InputError for a bare string or a non-string item."""
    if isinstance(texts, str):
        raise InputError("expected a sequence of texts, got a single string", field="texts")
    items = list(texts)
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise InputError(f"text {i} is {type(text).__name__}, not str", field="texts")
    return items
