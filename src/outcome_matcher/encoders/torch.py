"""The torch backend: an Encoder over a sentence-transformers model folder."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.encoders.base import EmbeddingCache, Kind, checked_texts, model_fingerprint
from outcome_matcher.errors import ModelNotBuiltError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)


class SentenceTransformerEncoder:
    """An Encoder over a sentence-transformers folder; prefixes come from its `prompts` config."""

    def __init__(
        self,
        model_dir: Path,
        *,
        name: str | None = None,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
    ) -> None:
        # torch's thread count is set once by the entry point (encoders.set_threads).
        self.model_dir = Path(model_dir)
        self.name = name or self.model_dir.name
        self.batch_size = batch_size
        self.fingerprint = model_fingerprint(self.model_dir)
        self.cache = cache if cache is not None else EmbeddingCache()
        self._model = _load_sentence_transformer(self.model_dir)
        # Only the model's own prompts config decides prefixes (e5 has them, MiniLM none).
        self.prompts = {k: v for k, v in (self._model.prompts or {}).items() if v}
        self.dim = int(self._model.get_embedding_dimension() or 0)

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder(name={self.name!r}, fingerprint={self.fingerprint!r})"

    def encode_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed search-side statements (e5 adds `query: `)."""
        return self._encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed indexed statements (e5 adds `passage: `)."""
        return self._encode(texts, "passage")

    def _encode(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]:
        texts = checked_texts(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        keys = [self.cache.key(self.fingerprint, kind, t) for t in texts]
        missing: list[int] = []
        for i, key in enumerate(keys):
            hit = self.cache.get(key)
            if hit is None:
                missing.append(i)
            else:
                out[i] = hit
        # Similar lengths in one batch waste less padding; positions keep the caller's order.
        missing.sort(key=lambda i: len(texts[i]))
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start : start + self.batch_size]
            vectors = self._run([texts[i] for i in chunk], kind)
            for i, vec in zip(chunk, vectors, strict=True):
                out[i] = vec
                self.cache.put(keys[i], vec.copy())
        return out

    def _run(self, texts: list[str], kind: Kind) -> NDArray[np.float32]:
        vectors = self._model.encode(
            texts,
            prompt_name=kind if kind in self.prompts else None,
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _load_sentence_transformer(model_dir: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # The weight-loading progress bar is noise in a CLI that draws its own progress.
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    if not (model_dir / "modules.json").is_file():
        raise ModelNotBuiltError(
            f"{model_dir} is not a sentence-transformers model folder", model_dir=str(model_dir)
        )
    # local_files_only: a missing file must fail here, never turn into a hub download.
    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
