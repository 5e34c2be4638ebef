"""DOCX work programmes (РПД): outcomes under знать / уметь / владеть headings or in a table."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from outcome_matcher.catalogues._build import ModuleRecord, OutcomeBlock
from outcome_matcher.catalogues._rpd import (
    ALONE_HEADING,
    CREDITS_IN_TEXT,
    kind_of,
    split_by_headings,
)
from outcome_matcher.errors import InputError
from outcome_matcher.schemas import OutcomeKind

# A DOCX is a zip from outside: refuse oversized files and zip bombs before python-docx
# opens it (its lxml parser already has entity resolution off).
MAX_DOCX_BYTES = 20_000_000
MAX_UNZIPPED_BYTES = 200_000_000
MAX_MEMBERS = 2000

_SECTION = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S.*[^;,.:]\s*$")
_TITLE = re.compile(
    r"(?:дисциплин\w*|модул\w*|пән\w*|fan\w*|фан\w*)\s*[:]?\s*[«\"“„]([^»\"”“]{3,200})[»\"”“]",
    re.IGNORECASE,
)
_TITLE_LABEL = re.compile(
    r"^\s*(?:наименование\s+дисциплины|дисциплина|пән(?:нің)?\s+атауы|fan\s+nomi)\s*[:]\s*(.+)",
    re.IGNORECASE,
)
_AIM = re.compile(
    r"^\s*(?:\d[\d.)]*\s*)?(?:цел[ьи]\w*|\w+\s+мақсаты|\w+\s+maqsadi)[^:]{0,80}:\s*(.+)",
    re.IGNORECASE,
)
_HEADING_STYLES = ("heading", "заголовок", "title")


@dataclass
class _Text:
    """A paragraph's text and where it is, in words a user finds in Word."""

    text: str
    where: str
    heading: bool = False


@dataclass
class _Collector:
    """Outcome blocks found so far, and the headings that still have nothing under them."""

    blocks: list[OutcomeBlock] = field(default_factory=list)
    empty: dict[str, str] = field(default_factory=dict)  # where -> heading text

    def heading(self, kind: OutcomeKind, text: str, where: str) -> OutcomeKind:
        self.empty[where] = text.strip()
        return kind

    def add(self, kind: OutcomeKind, text: str, where: str, heading_at: str | None) -> None:
        self.blocks.append(OutcomeBlock(text, where, kind))
        if heading_at is not None:
            self.empty.pop(heading_at, None)


def open_docx(path: Path) -> DocxDocument:
    """The document, after size and zip checks; a broken file is an InputError."""
    file = str(path)
    if path.stat().st_size > MAX_DOCX_BYTES:
        raise InputError(f"DOCX larger than {MAX_DOCX_BYTES // 1_000_000} MB", file=file)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError("not a DOCX file (not a zip archive)", file=file) from exc
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise InputError("DOCX unpacks to too many files or bytes (zip bomb?)", file=file)
    try:
        return docx.Document(file)
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors, ...
        raise InputError(f"not a readable DOCX file: {exc}", file=file) from exc


def _is_heading(paragraph: Paragraph) -> bool:
    style = paragraph.style.name if paragraph.style is not None else ""
    return (style or "").lower().startswith(_HEADING_STYLES)


def _body(document: DocxDocument) -> Iterator[_Text | list[list[_Text]]]:
    """Paragraphs, and tables as rows of cells (merged cells once), in document order."""
    paragraph_no = table_no = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            table_no += 1
            yield _table(item, table_no)
        else:
            paragraph_no += 1
            yield _Text(item.text, f"paragraph {paragraph_no}", _is_heading(item))


def _table(table: Table, number: int) -> list[list[_Text]]:
    rows: list[list[_Text]] = []
    seen: set[object] = set()  # merged cells repeat; their elements stay alive in the set
    for r, row in enumerate(table.rows, start=1):
        cells = []
        for c, cell in enumerate(row.cells, start=1):
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(_Text(cell.text, f"table {number}, row {r}, column {c}"))
        rows.append(cells)
    return rows


class _Walker:
    """Follows the document: a heading sets the kind of the paragraphs after it."""

    def __init__(self) -> None:
        self.found = _Collector()
        self.kind: OutcomeKind | None = None
        self.heading_at: str | None = None
        self.items_under_heading = 0
        self.texts: list[str] = []  # every paragraph and cell, for title, aim and credits

    def start(self, kind: OutcomeKind | None, text: str, where: str) -> None:
        if kind is not None:
            self.kind = self.found.heading(kind, text, where)
            self.heading_at, self.items_under_heading = where, 0

    def add(self, text: str, where: str, kind: OutcomeKind | None = None) -> None:
        kind = kind or self.kind
        if kind is not None and text.strip():
            self.found.add(kind, text, where, self.heading_at)
            self.items_under_heading += 1

    def paragraph(self, item: _Text) -> None:
        self.texts.append(item.text)
        if self._headings(item.text, item.where):
            return
        ends_list = not item.text.strip() and self.items_under_heading
        if item.heading or _SECTION.match(item.text) or ends_list:
            # A section heading, a numbered section title or a blank line after the items
            # ends the outcomes.
            self.kind = None
        else:
            self.add(item.text, item.where)

    def _headings(self, text: str, where: str) -> bool:
        """Handle a heading alone or headings inside the text; False when there are none."""
        alone = ALONE_HEADING.match(text)
        if alone:
            self.start(kind_of(alone.group(1)), text, where)
            return True
        _, parts = split_by_headings(text)
        for kind, rest in parts:
            self.start(kind, text, where)
            self.add(rest, where)
        return bool(parts)

    def table(self, rows: list[list[_Text]]) -> None:
        """Column headings (a row with Знать | Уметь | Владеть), row headings or inline ones."""
        self.kind = None
        columns: dict[int, tuple[OutcomeKind, str]] = {}
        for cells in rows:
            self.texts.extend(c.text for c in cells)
            kinds = [_alone_kind(c.text) for c in cells]
            # Two or more heading cells make a header row ("Код | Знать | Уметь | Владеть");
            # one is a row heading ("Уметь | items").
            if sum(k is not None for k in kinds) >= 2:
                columns = {
                    i: (self.found.heading(k, c.text, c.where), c.where)
                    for i, (k, c) in enumerate(zip(kinds, cells, strict=True))
                    if k is not None
                }
                continue
            self._row(cells, kinds, columns)

    def _row(
        self,
        cells: list[_Text],
        kinds: list[OutcomeKind | None],
        columns: dict[int, tuple[OutcomeKind, str]],
    ) -> None:
        row_kind: tuple[OutcomeKind, str] | None = None
        for i, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
            if kind is not None:
                row_kind = (self.found.heading(kind, cell.text, cell.where), cell.where)
                continue
            given = columns.get(i) or row_kind
            self.kind, self.heading_at = given if given else (None, None)
            for line in cell.text.splitlines():
                if not self._headings(line, cell.where):
                    self.add(line, cell.where)
        self.kind = None


def _alone_kind(text: str) -> OutcomeKind | None:
    alone = ALONE_HEADING.match(text)
    return kind_of(alone.group(1)) if alone else None


def _title(document: DocxDocument, texts: list[str], path: Path) -> str:
    for text in texts:
        found = _TITLE.search(text) or _TITLE_LABEL.match(text)
        if found:
            return " ".join(found.group(1).split()).rstrip(".")
    return document.core_properties.title or path.stem


def _meta(texts: list[str]) -> tuple[str | None, float | None]:
    """The aim (Цель ...: text) and the credits (N з.е. / ЗЕТ / кредитов), if stated."""
    aim = next((m.group(1).strip() for t in texts if (m := _AIM.match(t))), None)
    credits = next((m.group(1) for t in texts if (m := CREDITS_IN_TEXT.search(t))), None)
    return aim, float(credits.replace(",", ".")) if credits else None


def read_work_programme_docx(
    path: Path, base: ModuleRecord | None
) -> tuple[ModuleRecord | None, list[InputError]]:
    """The work programme as one module of `base`'s programme (or of its own)."""
    file = str(path)
    document = open_docx(path)
    walker = _Walker()
    for item in _body(document):
        if isinstance(item, _Text):
            walker.paragraph(item)
        else:
            walker.table(item)
    errors = _problems(walker.found, file)
    if errors:
        return None, errors
    title = _title(document, walker.texts, path)
    aim, credits = _meta(walker.texts)
    return ModuleRecord(
        row=None,
        programme_code=base.programme_code if base else path.stem,
        programme_title=base.programme_title if base else title,
        module_code=path.stem,
        module_title=title,
        outcomes=walker.found.blocks,
        programme_level=base.programme_level if base else None,
        programme_lang=base.programme_lang if base else None,
        credits=credits,
        title_fields=(base.title_fields[0] if base else "title", "title"),
        description=aim,
        file=file,
    ), []


def _problems(found: _Collector, file: str) -> list[InputError]:
    errors = [
        InputError(f"heading {text!r} has no outcomes under it", file=file, field=where)
        for where, text in found.empty.items()
    ]
    if not found.blocks and not errors:
        message = (
            "no outcome headings found: expected Знать / Уметь / Владеть (or Знания / Умения "
            "/ Навыки, білу / істей білу / меңгеру, bilishi / bajara olishi / ko'nikmaga ega "
            "bo'lishi) as paragraphs or in a table"
        )
        errors.append(InputError(message, file=file))
    return errors
