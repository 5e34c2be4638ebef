"""The bundled demo: ESCO plus the sample programmes, imported once, ready to review."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from outcome_matcher import operations
from outcome_matcher.config import Settings
from outcome_matcher.embedding import Encoder
from outcome_matcher.index import ProgressCallback
from outcome_matcher.store import Store

log = logging.getLogger(__name__)

DEMO_FRAMEWORK = "esco"
DEMO_USER = "admin"


@dataclass
class DemoState:
    """What the demo set up, for the message printed before serving."""

    imported: list[str] = field(default_factory=list)
    token: str | None = None
    token_file: Path | None = None


def default_corpora_dir() -> Path:
    """The repository's corpora/ (editable install), else ./corpora."""
    repo = Path(__file__).resolve().parents[2] / "corpora"
    return repo if repo.is_dir() else Path.cwd() / "corpora"


def prepare_demo(
    settings: Settings,
    store: Store,
    encoder: Encoder,
    corpora: Path,
    progress: ProgressCallback | None = None,
) -> DemoState:
    """Import what is missing; running it twice changes nothing."""
    state = DemoState()
    known = {info.name: info for info in store.list_frameworks()}
    stale = known.get(DEMO_FRAMEWORK)
    if stale is not None and stale.index_fingerprint != encoder.fingerprint:
        # Built by another model (e.g. before the default changed): rebuild, keep decisions.
        operations.reindex_framework(store, encoder, settings, DEMO_FRAMEWORK, progress)
        state.imported.append(f"{DEMO_FRAMEWORK} reindexed for model {encoder.name}")
    if DEMO_FRAMEWORK not in known:
        operations.add_framework(
            store,
            encoder,
            settings,
            name=DEMO_FRAMEWORK,
            path=corpora / "esco_v1.1.1_en",
            format="esco",
            version="v1.1.1",
            extra_labels=_labels(corpora),
            progress=progress,
        )
        state.imported.append("ESCO v1.1.1 (en)")
    for sample in sorted((corpora / "samples").glob("*.yaml")):
        result = operations.add_catalogue(
            store, sample, name=None, max_chars=settings.max_text_chars
        )
        state.imported.append(f"{sample.name}: {result.summary()}")
    if not store.list_users():
        _, token = store.add_user(DEMO_USER, "admin")
        state.token = token
        state.token_file = _save_token(settings.data_dir, token)
    else:
        state.token_file = settings.data_dir / "admin-token.txt"
    return state


def _labels(corpora: Path) -> Path | None:
    """ESCO labels in other languages (bundled), which help non-English outcomes match."""
    path = corpora / "esco_multilingual_labels" / "esco_skill_labels_multilingual.csv.gz"
    return path if path.is_file() else None


def _save_token(data_dir: Path, token: str) -> Path:
    """Keep the first admin token in a user-only file so the demo user can log in again."""
    path = data_dir / "admin-token.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return path
