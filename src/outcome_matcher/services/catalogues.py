"""Catalogue import: load a file (segment, detect languages, Bloom levels) and store it."""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.store import Store
from outcome_matcher.store.public import CatalogueImport


def add_catalogue(store: Store, path: Path, *, name: str | None, max_chars: int) -> CatalogueImport:
    """Import a catalogue file; re-importing the same file changes nothing."""
    catalogue = load_catalogue(path, name=name, max_text_chars=max_chars)
    return store.add_catalogue(catalogue)
