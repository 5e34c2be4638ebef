"""Worker specs: what an align run embeds with and searches, picklable for other processes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from outcome_matcher.config import Settings
from outcome_matcher.encoders import (
    EmbeddingCache,
    Encoder,
    OnnxEncoder,
    SentenceTransformerEncoder,
    ensure_model,
    load_onnx_encoder,
    set_threads,
)
from outcome_matcher.encoders.disk_cache import DiskEmbeddingCache
from outcome_matcher.retrieval.calibration import Calibration, load_calibration
from outcome_matcher.retrieval.deployment_calibration import load_record
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.lexical import parse_analyzers
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.services import index_dir
from outcome_matcher.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EncoderSpec:
    """Enough to load the same encoder in another process (a Ray actor, a worker)."""

    backend: str  # "torch" or "onnx"
    path: str
    name: str
    threads: int
    batch_size: int
    cache_path: str | None = None

    def load(self) -> Encoder:
        """Load the encoder, with the persistent cache when one is configured.

        Workers and Ray actors call this first, so it is their entry point for threads.
        """
        set_threads(self.threads)
        cache = DiskEmbeddingCache(Path(self.cache_path)) if self.cache_path else None
        if self.backend == "onnx":
            return OnnxEncoder(
                Path(self.path),
                name=self.name,
                threads=self.threads,
                batch_size=self.batch_size,
                cache=cache,
            )
        return SentenceTransformerEncoder(
            Path(self.path), name=self.name, batch_size=self.batch_size, cache=cache
        )


def cache_path(settings: Settings) -> Path:
    return settings.data_dir / "cache" / "embeddings.sqlite3"


def spec_from_settings(settings: Settings, *, use_cache: bool = True) -> EncoderSpec:
    """The configured align encoder, building the model (and its ONNX form) when missing."""
    cache = str(cache_path(settings)) if use_cache else None
    if settings.align_backend == "onnx":
        encoder = load_onnx_encoder(settings, EmbeddingCache(0))
        path, name = encoder.directory, encoder.name
    else:
        path, name = ensure_model(settings), settings.model
    return EncoderSpec(
        settings.align_backend,
        str(path),
        name,
        settings.threads,
        settings.align_batch_size,
        cache,
    )


def spec_of(encoder: Encoder, threads: int, cache: str | None = None) -> EncoderSpec:
    """The spec of an already loaded encoder, so other processes can load the same one."""
    if isinstance(encoder, OnnxEncoder):
        return EncoderSpec(
            "onnx", str(encoder.directory), encoder.name, threads, encoder.batch_size, cache
        )
    if isinstance(encoder, SentenceTransformerEncoder):
        return EncoderSpec(
            "torch", str(encoder.model_dir), encoder.name, threads, encoder.batch_size, cache
        )
    raise TypeError(f"cannot describe encoder {encoder!r} for another process")


def index_for(settings: Settings, store: Store, framework: str, encoder: Encoder) -> Path:
    """A saved index of `framework` built with `encoder`'s model, built once when missing.

    The stored index serves the API's model; a batch run with another backend (int8 ONNX)
    gets its own index beside it, keyed by the encoder fingerprint.
    """
    main = index_dir(settings, framework)
    stored = FrameworkIndex.load_meta(main)
    if stored.fingerprint == encoder.fingerprint:
        return main
    derived = main.with_name(f"{framework}@{encoder.fingerprint}")
    if (derived / "meta.json").is_file():
        meta = FrameworkIndex.load_meta(derived)
        if meta.framework_version == stored.framework_version:
            return derived
    log.info("building %s index for encoder %s", framework, encoder.fingerprint)
    index = FrameworkIndex.build(
        store.load_framework(framework), encoder, fields=stored.fields, batch_size=64
    )
    index.save(derived)
    return derived


@dataclass(frozen=True)
class MatcherSpec:
    """Everything a worker needs to build the run's matcher once: encoder, index, calibration."""

    encoder: EncoderSpec
    framework: str
    index_path: str
    calibration_name: str | None  # services.calibration_name: None for a custom model
    fallback_threshold: float
    lexical: bool = False  # BM25 fusion for sentences, as `suggest` does (Settings.lexical)
    label_fusion: bool = False  # Settings.label_fusion
    lexical_analyzers: str = ""  # Settings.lexical_analyzers
    lexical_other_languages: bool = False  # Settings.lexical_other_languages
    max_chars: int = 2000  # Settings.max_text_chars: the longest statement accepted
    # The deployment's refit of this framework (`calibrate`), when one is active: its data dir.
    refit_data_dir: str | None = None

    def calibration(self) -> Calibration | None:
        if not self.calibration_name:
            return None
        if self.refit_data_dir is not None:
            record = load_record(Path(self.refit_data_dir), self.framework)
            if record is not None and record.calibration.model_name == self.calibration_name:
                return record.calibration
        return load_calibration(self.calibration_name)

    def load(self, encoder: Encoder | None = None) -> Matcher:
        """The matcher over this run's one framework index (loading the encoder unless given)."""
        index = FrameworkIndex.load(Path(self.index_path))
        return Matcher(
            encoder or self.encoder.load(),
            {self.framework: index},
            calibration=self.calibration(),
            default_threshold=self.fallback_threshold,
            lexical=self.lexical,
            label_fusion=self.label_fusion,
            analyzers=parse_analyzers(self.lexical_analyzers),
            lexical_other_languages=self.lexical_other_languages,
        )


def flush_cache(encoder: Encoder) -> None:
    """Persist new vectors of a disk-cached encoder (a no-op for memory caches)."""
    cache = getattr(encoder, "cache", None)
    if isinstance(cache, DiskEmbeddingCache):
        cache.flush()
