"""Helpers for the align tests: a store with the sample framework and input files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from conftest import SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV, fixture_sentences
from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import EmbeddingCache, SentenceTransformerEncoder
from outcome_matcher.store import Store

FRAMEWORK = "demo"


@dataclass
class BatchEnv:
    """Settings and a store holding framework `demo` (indexed with the tiny model)."""

    settings: Settings
    store: Store
    encoder: SentenceTransformerEncoder
    tmp: Path


def make_env(tmp: Path, tiny_model_dir: Path) -> BatchEnv:
    settings = Settings(data_dir=tmp / "data", threads=1)
    store = Store.open(settings.db_url, migrate=True)
    (tmp / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    encoder = tiny_batch_encoder(tiny_model_dir)
    services.add_framework(
        store, encoder, settings, name=FRAMEWORK, path=tmp / "fw.csv", format="csv"
    )
    return BatchEnv(settings, store, encoder, tmp)


def tiny_batch_encoder(model_dir: Path) -> SentenceTransformerEncoder:
    """The tiny model as align loads encoders: one text per call, no memory cache."""
    return SentenceTransformerEncoder(model_dir, name="tiny", batch_size=1, cache=EmbeddingCache(0))


def statements(n: int) -> list[str]:
    """n statements built from the fixture sentences, with some repeats (as real catalogues)."""
    base = fixture_sentences()
    return [f"{base[i % len(base)]} ({i % 97})" for i in range(n)]


def write_jsonl(path: Path, n: int) -> Path:
    lines = [
        json.dumps({"id": f"o{i}", "text": t, "programme": f"P{i % 3}", "module": f"M{i % 7}"})
        for i, t in enumerate(statements(n))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
