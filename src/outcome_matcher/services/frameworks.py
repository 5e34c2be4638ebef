"""Frameworks as stored and indexed: import one (load, embed, store, save its index), index the
requirements of some standards first, re-index it after a model switch, remove it. Each index
lives in <data dir>/indexes/<framework>."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import ConflictError, NotFoundError
from outcome_matcher.frameworks import Grain, load_framework
from outcome_matcher.frameworks.case_export import framework_to_cfpackage
from outcome_matcher.retrieval.index import DEFAULT_FIELDS, FrameworkIndex, ProgressCallback
from outcome_matcher.schemas import Framework, FrameworkFormat, Standard
from outcome_matcher.services.labels import apply_reviewed_labels, reviewed_framework
from outcome_matcher.store import Store
from outcome_matcher.store.public import FrameworkInfo

log = logging.getLogger(__name__)


def index_dir(settings: Settings, framework: str) -> Path:
    return settings.indexes_dir / framework


def add_framework(
    store: Store,
    encoder: Encoder,
    settings: Settings,
    *,
    name: str,
    path: Path,
    format: FrameworkFormat,
    version: str | None = None,
    extra_labels: Path | Sequence[Path] | None = None,
    replace: bool = False,
    fields: Sequence[str] = DEFAULT_FIELDS,
    progress: ProgressCallback | None = None,
    grain: Grain | None = None,
    level_scale: str | None = None,
    first_standards: Sequence[str] = (),
) -> FrameworkInfo:
    """Load a framework file, embed it, then store it and its index.

    `extra_labels` (ESCO only) adds labels in other languages as extra index vectors;
    `fields` says which competency texts become vectors. `grain` and `level_scale` are those
    of national standards (frameworks.load_framework). With `first_standards` (keys or
    labels) the framework is stored first and only those standards' requirements are indexed
    (`index_first`): seconds instead of minutes; `reindex_framework` completes the index.
    """
    framework = load_framework(
        path,
        format,
        name=name,
        version=version,
        extra_labels=extra_labels,
        grain=grain,
        level_scale=level_scale,
    )
    if not replace:
        _refuse_existing(store, name)
    # A new version keeps the council's reviewed labels (they are keyed by name and URI).
    framework = apply_reviewed_labels(framework, store.current_labels(name))
    if first_standards:
        store.add_framework(framework, replace=replace)
        return index_first(store, encoder, settings, name, first_standards, fields=fields)
    index = FrameworkIndex.build(
        framework, encoder, fields=fields, batch_size=settings.batch_size, progress=progress
    )
    info = store.add_framework(framework, replace=replace)
    index.save(index_dir(settings, name))
    store.set_index_fingerprint(name, encoder.fingerprint)
    return store.get_framework_info(info.name)


def reindex_framework(
    store: Store,
    encoder: Encoder,
    settings: Settings,
    name: str,
    progress: ProgressCallback | None = None,
) -> FrameworkInfo:
    """Rebuild a stored framework's index, e.g. after switching model or after a council
    reviewed labels (they replace the machine translations), with the same fields."""
    framework = reviewed_framework(store, name)
    index = FrameworkIndex.build(
        framework,
        encoder,
        fields=_indexed_fields(settings, name),
        batch_size=settings.batch_size,
        progress=progress,
    )
    index.save(index_dir(settings, name))
    store.set_index_fingerprint(name, encoder.fingerprint)
    return store.get_framework_info(name)


def index_first(
    store: Store,
    encoder: Encoder,
    settings: Settings,
    name: str,
    standards: Sequence[str],
    *,
    fields: Sequence[str] | None = None,
) -> FrameworkInfo:
    """A partial index of a stored framework: only the competencies the named standards (keys
    or labels) require, so that programmes can be reviewed against them while the full index
    is built (`reindex_framework`, e.g. as a job: services.index_jobs)."""
    ids = first_competency_ids(store, name, standards)
    info = store.get_framework_info(name)
    subset = Framework(
        name=name,
        version=info.version,
        format=info.format,
        source=info.source,
        competencies=tuple(store.get_competencies(name, ids)),
    )
    index = FrameworkIndex.build(
        subset,
        encoder,
        fields=fields or _indexed_fields(settings, name),
        batch_size=settings.batch_size,
    )
    index.meta = dataclasses.replace(index.meta, partial=True)
    index.save(index_dir(settings, name))
    store.set_index_fingerprint(name, encoder.fingerprint)
    log.info("%s: first index of %d competencies (%s)", name, len(ids), ", ".join(standards))
    return store.get_framework_info(name)


def first_competency_ids(store: Store, name: str, standards: Sequence[str]) -> list[str]:
    """The competencies the standards require, each once, in the standards' order; a standard
    is named by its key or by its label (case-insensitive). One the framework lacks (a cut of
    it, say) is skipped: the full build will index everything anyway."""
    ids: list[str] = []
    for wanted in standards:
        found = _standard(store, name, wanted)
        if found is None:
            log.warning("%s has no standard %r to index first", name, wanted)
            continue
        ids += [r.competency_id for r in found.requirements]
    return list(dict.fromkeys(ids))


def _standard(store: Store, name: str, wanted: str) -> Standard | None:
    try:
        return store.get_standard(name, wanted)
    except NotFoundError:
        found = store.list_standards(name, wanted, limit=50)
        same = [s for s in found if s.label.casefold() == wanted.casefold()]
        return store.get_standard(name, same[0].key) if same else None


def _indexed_fields(settings: Settings, name: str) -> tuple[str, ...]:
    """The fields of the framework's current index, or the defaults when it has none."""
    try:
        return FrameworkIndex.load_meta(index_dir(settings, name)).fields
    except NotFoundError:
        return DEFAULT_FIELDS


def remove_framework(store: Store, settings: Settings, name: str) -> None:
    store.remove_framework(name)
    directory = index_dir(settings, name)
    if directory.exists():
        shutil.rmtree(directory)


def _refuse_existing(store: Store, name: str) -> None:
    try:
        store.get_framework_info(name)
    except NotFoundError:
        return
    raise ConflictError(
        f"framework {name!r} already exists; use --replace to import a new version",
        framework=name,
    )


def export_framework(store: Store, name: str, standard: str | None = None) -> dict[str, Any]:
    """A stored framework (or one of its standards) as a CASE 1.1 CFPackage dict.

    Every `lastChangeDateTime` is the framework's import time, so exporting twice gives the
    same file.
    """
    created = store.get_framework_info(name).created
    if created.tzinfo is None:  # SQLite returns naive datetimes; they are UTC
        created = created.replace(tzinfo=UTC)
    return framework_to_cfpackage(store.load_framework(name), standard, changed=created)
