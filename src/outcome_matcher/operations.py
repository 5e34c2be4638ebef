"""Plain functions behind the CLI and the API: import, index, suggest. They return data."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import faiss

from outcome_matcher.calibration import load_calibration
from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.config import Settings
from outcome_matcher.embedding import Encoder
from outcome_matcher.errors import ConflictError, InputError, NotFoundError, OutcomeMatcherError
from outcome_matcher.frameworks import load_framework
from outcome_matcher.index import DEFAULT_FIELDS, FrameworkIndex, ProgressCallback
from outcome_matcher.matching import Matcher, ModuleOutcomes, OutcomeText
from outcome_matcher.schemas import FrameworkFormat, QueryResult
from outcome_matcher.store import Store
from outcome_matcher.store.models_public import CatalogueImport, FrameworkInfo, OutcomeRef

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
    extra_labels: Path | None = None,
    replace: bool = False,
    fields: Sequence[str] = DEFAULT_FIELDS,
    progress: ProgressCallback | None = None,
) -> FrameworkInfo:
    """Load a framework file, embed it, then store it and its index.

    `extra_labels` (ESCO only) adds labels in other languages as extra index vectors;
    `fields` says which competency texts become vectors.
    """
    framework = load_framework(path, format, name=name, version=version, extra_labels=extra_labels)
    if not replace:
        _refuse_existing(store, name)
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
    """Rebuild a stored framework's index, e.g. after switching model, with the same fields."""
    framework = store.load_framework(name)
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


def add_catalogue(store: Store, path: Path, *, name: str | None, max_chars: int) -> CatalogueImport:
    catalogue = load_catalogue(path, name=name, max_text_chars=max_chars)
    return store.add_catalogue(catalogue)


def load_matcher(settings: Settings, store: Store, encoder: Encoder) -> Matcher:
    """A matcher over every stored framework whose index exists and fits the encoder."""
    faiss.omp_set_num_threads(settings.threads)
    matcher = Matcher(
        encoder,
        # A custom model folder has no shipped calibration: never borrow the built-in one's.
        calibration=None if settings.model_path else load_calibration(settings.model),
        default_threshold=settings.fallback_threshold,
        lexical=settings.lexical,
    )
    for info in store.list_frameworks():
        directory = index_dir(settings, info.name)
        try:
            matcher.add_index(info.name, FrameworkIndex.load(directory))
        except OutcomeMatcherError as error:
            # Keep the reason: searching this framework later says why it is unavailable.
            log.warning("framework %s not searchable: %s", info.name, error.message)
            matcher.unavailable[info.name] = error
    return matcher


def read_suggest_input(lines: Iterable[str], *, source: str = "<stdin>") -> Iterator[OutcomeText]:
    """JSON lines {"id", "text"}, or plain text lines whose id is the line number."""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("{"):
            yield _json_record(stripped, source, number)
        else:
            yield OutcomeText(id=str(number), text=stripped)


def _json_record(line: str, source: str, number: int) -> OutcomeText:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON: {error.msg}", file=source, row=number) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", file=source, row=number)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing or empty text", file=source, row=number, field="text")
    raw_id = data.get("id", number)
    if not isinstance(raw_id, str | int):
        raise InputError("id must be a string or a number", file=source, row=number, field="id")
    return OutcomeText(id=str(raw_id), text=text)


def suggest_records(
    matcher: Matcher,
    framework: str,
    records: Iterable[OutcomeText],
    *,
    top_k: int,
    batch_size: int,
    max_chars: int,
    abstain: bool = False,
    among: Sequence[str] | None = None,
) -> Iterator[QueryResult]:
    """Stream suggestions in input order, encoding `batch_size` statements at a time.

    `abstain` and `among` are those of `Matcher.suggest`.
    """
    batch: list[OutcomeText] = []
    for record in records:
        if len(record.text) > max_chars:
            raise InputError(
                f"text is {len(record.text)} characters, the limit is {max_chars}",
                row=None,
                field="text",
                id=record.id,
            )
        batch.append(record)
        if len(batch) == batch_size:
            yield from _suggest_batch(matcher, framework, batch, top_k, abstain, among)
            batch = []
    if batch:
        yield from _suggest_batch(matcher, framework, batch, top_k, abstain, among)


def standard_requirements(store: Store, framework: str, standard: str) -> list[str]:
    """The competency ids a standard requires, in its order, each once."""
    found = store.get_standard(framework, standard)
    return list(dict.fromkeys(r.competency_id for r in found.requirements))


def _suggest_batch(
    matcher: Matcher,
    framework: str,
    batch: list[OutcomeText],
    top_k: int,
    abstain: bool,
    among: Sequence[str] | None,
) -> Iterator[QueryResult]:
    texts = [r.text for r in batch]
    results = matcher.suggest(framework, texts, top_k, abstain=abstain, among=among)
    for record, suggestions in zip(batch, results, strict=True):
        yield QueryResult(id=record.id, suggestions=tuple(suggestions))


def module_outcomes(refs: Iterable[OutcomeRef]) -> list[ModuleOutcomes]:
    """Group stored outcomes by module, keeping their order."""
    grouped: dict[str, tuple[str, list[OutcomeText]]] = {}
    for ref in refs:
        grouped.setdefault(ref.module_code, (ref.module_title, []))[1].append(
            OutcomeText(id=ref.key, text=ref.text)
        )
    return [
        ModuleOutcomes(code=code, title=title, outcomes=tuple(outcomes))
        for code, (title, outcomes) in grouped.items()
    ]


def result_line(result: QueryResult) -> str:
    """One `suggest` output line; `evidence` stays out of the stable contract's required keys."""
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)


def _refuse_existing(store: Store, name: str) -> None:
    try:
        store.get_framework_info(name)
    except NotFoundError:
        return
    raise ConflictError(
        f"framework {name!r} already exists; use --replace to import a new version",
        framework=name,
    )
