"""Catalogue import: load a file (segment, detect languages, Bloom levels) and store it."""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.catalogues import CatalogueFormat, load_catalogue
from outcome_matcher.store import Store
from outcome_matcher.store.public import CatalogueImport


def add_catalogue(
    store: Store,
    path: Path,
    *,
    name: str | None,
    max_chars: int,
    format: CatalogueFormat | None = None,
    actor: str = "system",
) -> CatalogueImport:
    """Import a catalogue file or folder; re-importing the same file changes nothing.

    The format is recognised by content (`format` overrides: csv, nested, rpd-yaml, rpd-docx).
    """
    catalogue = load_catalogue(path, name=name, max_text_chars=max_chars, format=format)
    return store.add_catalogue(catalogue, actor=actor)
