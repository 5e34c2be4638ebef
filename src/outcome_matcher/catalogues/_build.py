"""Turn parsed module records into a Catalogue: segment, detect language, Bloom level, ids."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from outcome_matcher.errors import InputError
from outcome_matcher.schemas import (
    Module,
    Outcome,
    OutcomeKind,
    Programme,
    normalise_text,
    outcome_id,
)
from outcome_matcher.text import bloom_level, detect_language, segment_outcomes

log = logging.getLogger(__name__)


class OutcomeBlock(NamedTuple):
    """A text block or statement, the field naming it in errors, and its kind if stated."""

    text: str
    where: str
    kind: OutcomeKind | None = None


@dataclass
class ModuleRecord:
    """One module (or one outcome of it) as a file states it, before validation."""

    row: int | None
    programme_code: str
    programme_title: str
    module_code: str
    module_title: str
    outcomes: list[OutcomeBlock]
    programme_level: str | None = None
    programme_lang: str | None = None
    credits: float | None = None
    level: str | None = None
    lang: str | None = None
    # How errors name the programme and module titles: CSV columns or nested key paths.
    title_fields: tuple[str, str] = ("programme_title", "module_title")
    description: str | None = None
    # The file the module came from when it is not the catalogue file (folders, includes).
    file: str | None = None


@dataclass
class _ModuleDraft:
    record: ModuleRecord
    statements: list[tuple[str, OutcomeKind | None]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    duplicates: int = 0


Segmenter = Callable[[str, str | None], list[str]]


class CatalogueBuilder:
    """Collects module records, checks them, and builds programmes; errors are collected."""

    def __init__(self, file: str, max_text_chars: int, segmenter: Segmenter | None = None):
        self.file = file
        self.max_text_chars = max_text_chars
        self.segment = segmenter or (lambda block, lang: segment_outcomes(block, lang))
        self.errors: list[InputError] = []
        self._programmes: dict[str, ModuleRecord] = {}
        self._modules: dict[tuple[str, str], _ModuleDraft] = {}

    def error(
        self, message: str, row: int | None, field: str | None, file: str | None = None
    ) -> None:
        self.errors.append(InputError(message, file=file or self.file, row=row, field=field))

    def add(self, record: ModuleRecord) -> None:
        first = self._programmes.setdefault(record.programme_code, record)
        self._check_title(first, record.programme_title, record, 0)
        key = (record.programme_code, record.module_code)
        draft = self._modules.setdefault(key, _ModuleDraft(record))
        self._check_title(draft.record, record.module_title, record, 1)
        for block in record.outcomes:
            self._add_block(draft, record, block)

    def _check_title(
        self, first: ModuleRecord, title: str, record: ModuleRecord, which: int
    ) -> None:
        """A code's first row must give a title; later rows may leave it blank or repeat it."""
        known = first.module_title if which else first.programme_title
        field = record.title_fields[which]
        code = record.module_code if which else record.programme_code
        if first is record and not known:
            self.error(f"no title for code {code!r}", record.row, field, record.file)
        elif known and title and normalise_text(title) != normalise_text(known):
            message = f"code {code!r} already has the title {known!r}, here {title!r}"
            self.error(message, record.row, field, record.file)

    def _add_block(self, draft: _ModuleDraft, record: ModuleRecord, block: OutcomeBlock) -> None:
        text, where = block.text, block.where
        if not text.strip():
            self.error("empty outcome text", record.row, where, record.file)
            return
        lang = record.lang or record.programme_lang or detect_language(text)
        statements = self.segment(text, lang)
        if not statements:
            message = f"no outcome statement found in {text[:60]!r}"
            self.error(message, record.row, where, record.file)
        for statement in statements:
            if len(statement) > self.max_text_chars:
                self.error(
                    f"outcome of {len(statement)} characters is over the limit of "
                    f"{self.max_text_chars}: {statement[:60]!r}...",
                    record.row,
                    where,
                    record.file,
                )
                continue
            key = normalise_text(statement)
            if key in draft.seen:
                draft.duplicates += 1
                continue
            draft.seen.add(key)
            draft.statements.append((statement, block.kind))

    def programmes(self) -> tuple[Programme, ...]:
        """The programmes in file order (call after checking `errors`)."""
        built = []
        for code, first in self._programmes.items():
            drafts = [d for (p, _), d in self._modules.items() if p == code]
            modules = tuple(self._module(d) for d in drafts)
            langs = {m.lang for m in modules}
            built.append(
                Programme(
                    code=code,
                    title=first.programme_title,
                    level=first.programme_level,
                    lang=first.programme_lang or (langs.pop() if len(langs) == 1 else None),
                    modules=modules,
                )
            )
        return tuple(built)

    def _module(self, draft: _ModuleDraft) -> Module:
        record = draft.record
        if draft.duplicates:
            log.info(
                "%s: dropped %d duplicate outcome(s) in module %s",
                self.file,
                draft.duplicates,
                record.module_code,
            )
        fallback = record.lang or record.programme_lang
        outcomes = tuple(
            _outcome(record.programme_code, record.module_code, text, i, fallback, kind)
            for i, (text, kind) in enumerate(draft.statements)
        )
        return Module(
            code=record.module_code,
            title=record.module_title,
            credits=record.credits,
            level=record.level,
            lang=record.lang,
            description=record.description,
            outcomes=outcomes,
        )


def _outcome(
    programme: str,
    module: str,
    text: str,
    position: int,
    lang: str | None,
    kind: OutcomeKind | None,
) -> Outcome:
    # The statement's own language wins; a declared one covers statements too short to tell.
    detected = detect_language(text) or lang
    return Outcome(
        id=outcome_id(programme, module, text),
        text=text,
        lang=detected,
        bloom_level=bloom_level(text, detected).level,
        position=position,
        kind=kind,
    )
