"""Settings from the environment (prefix OUTCOME_MATCHER_); nothing is built at import."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ModelName = Literal["multilingual-e5-small", "multilingual-e5-small-esco", "all-MiniLM-L6-v2"]


def _default_data_dir() -> Path:
    # XDG-style per-user default, so several data directories can live side by side.
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "outcome-matcher"


class Settings(BaseSettings):
    """All run-time configuration. Every field can be set as OUTCOME_MATCHER_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="OUTCOME_MATCHER_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file in data_dir."
    )
    model: ModelName = "multilingual-e5-small-esco"
    model_path: Path | None = Field(
        default=None,
        description="a sentence-transformers folder to use instead of the built-in model "
        "(a fine-tuned model, or a tiny one in tests)",
    )
    threads: int = Field(default=2, ge=1, description="torch / onnxruntime / FAISS threads")
    batch_size: int = Field(default=64, ge=1)
    backend: Literal["torch", "onnx"] = Field(
        default="torch", description="encoder of the service and of index builds"
    )
    align_backend: Literal["torch", "onnx"] = Field(
        default="onnx", description="encoder of batch `align` runs (int8 ONNX is ~2x faster)"
    )
    align_batch_size: int = Field(
        default=1,
        ge=1,
        description="texts per encoder call in `align`; 1 makes each vector independent of "
        "its batch-mates (int8 activation scales are per batch), so outputs are byte-identical",
    )
    top_k: int = Field(default=10, ge=1, le=200)
    max_text_chars: int = Field(default=2000, ge=10, description="longest accepted statement")
    max_batch_texts: int = Field(default=1000, ge=1, description="most texts in one API call")
    max_upload_bytes: int = Field(default=20_000_000, ge=1024, description="largest request body")
    max_upload_rows: int = Field(
        default=200_000, ge=10, description="most lines in an uploaded CSV/YAML/JSON file"
    )
    max_json_depth: int = Field(
        default=32, ge=4, description="deepest nesting accepted in a JSON request body"
    )
    max_suggest_chars: int = Field(
        default=200_000,
        ge=1000,
        description="most characters (all texts together) in one /suggestions request",
    )
    import_dir: Path | None = Field(
        default=None,
        description="the only folder `POST /jobs/align` reads catalogues from "
        "(default <data_dir>/imports)",
    )
    session_idle_minutes: int = Field(
        default=120, ge=1, description="a browser session ends after this long unused"
    )
    session_hours: int = Field(
        default=12, ge=1, description="a browser session ends this long after login, used or not"
    )
    token_days: int | None = Field(
        default=90, ge=1, description="API tokens issued from now on expire after this; None: never"
    )
    login_attempts: int = Field(
        default=10, ge=1, description="login attempts per client address (and per token) per window"
    )
    login_window_seconds: int = Field(default=300, ge=1, description="the login rate window")
    fallback_threshold: float = Field(
        default=0.85,
        description="operating threshold on the raw score, used only for a model that ships "
        "no calibration (models/<model>/calibration.json)",
    )
    lexical: bool = Field(
        default=True,
        description="fuse BM25 over the labels into suggestions for sentences in the "
        "framework's language (dev sets: TECH RP@5 49.7 -> 59.4, HOUSE 32.5 -> 42.0, titles "
        "within noise; docs/evaluation.md)",
    )
    label_fusion: bool = Field(
        default=False,
        description="score a statement in a language the framework has labels in by the mean "
        "of its best own-language and best same-language cosine, and one in the framework's "
        "language by its own-language texts only; off: the best of all vectors (on the dev "
        "sets fusion did not beat it and cost English 0.015 MRR: docs/evaluation.md)",
    )
    memory: bool = Field(
        default=False,
        description="rank suggestions with the k-NN memory of reviewed outcomes where "
        "`calibrate --memory` fitted and activated one for the framework (off: on the BA "
        "crosswalk it gave no gain, its concepts are rarely near-duplicates; docs/evaluation.md)",
    )
    lexical_analyzers: str = Field(
        default="ru=lemma,kk=stem5,uz=stem5",
        description="how BM25 reads words per language, language=analyzer comma-separated "
        "(words, lemma, ngram3, ngram4, ngram5, stem5); other languages: words",
    )
    lexical_other_languages: bool = Field(
        default=True,
        description="BM25 also for sentences in a language the framework has labels in and "
        "lexical_analyzers names (ESCO's Russian, Kazakh, Uzbek labels), over those labels",
    )
    kind_penalty: float = Field(
        default=0.0,
        ge=0.0,
        description="coverage scores: how much similarity evidence of the other kind loses "
        "for an outcome of a known kind (знать -> knowledge texts, уметь/владеть -> skills and "
        "labour actions); 0 = off (the dev check did not show a gain: docs/evaluation.md)",
    )
    lang: str | None = Field(
        default=None,
        description="the command line's interface language (en, ru, kk, uz, uz_Cyrl); default "
        "from LC_ALL, LC_MESSAGES or LANG (ru_RU.UTF-8 -> ru), else English",
    )
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def db_url(self) -> str:
        """The database URL in use: explicit, or the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'outcome-matcher.sqlite3'}"

    @property
    def token_lifetime(self) -> timedelta | None:
        """How long a newly issued API token lives (None: until revoked)."""
        return None if self.token_days is None else timedelta(days=self.token_days)

    @property
    def imports_dir(self) -> Path:
        """Where server-side catalogue files for align jobs must be."""
        return self.import_dir or self.data_dir / "imports"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def indexes_dir(self) -> Path:
        return self.data_dir / "indexes"
