"""Decisions as an ESCO-style mapping table (CSV): export, and import that imports all or nothing.

Columns follow the ESCO crosswalk tables: Classification 1 is the framework (the competency
URI and label), Classification 2 the programme side (`PROGRAMME/MODULE` and the module title).
The editorial note carries the verdict and the reason as `verdict: reason`; a row without a
verdict prefix (a foreign crosswalk) is accepted when it has a relation, else rejected. Two
columns beyond ESCO's name the evidence outcome (its id, and its text for people); import
reads the id, and a table without those columns has no evidence outcomes. Withdrawn links
are undecided, so they are not in the table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import cast, get_args

from outcome_matcher.errors import InputError, InputErrors, NotFoundError
from outcome_matcher.fileio import safe_cell, unquote_cell
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.rules import enforce_reason_rule
from outcome_matcher.store import DecisionCreate, DecisionPublic, Relation, Store, UserInfo, Verdict
from outcome_matcher.store.public import DecisionImportResult

TARGET_URI = "Classification 1 URI"
TARGET_LABEL = "Classification 1 PrefLabel"
SOURCE_ID = "Classification 2 ID"
SOURCE_LABEL = "Classification 2 PrefLabel"
RELATION = "Mapping relation"
NOTE = "Editorial note"
# Not an ESCO column: the link version each row was decided against, so that an import of a
# stale table is refused instead of overwriting newer decisions (empty: a new link only).
LINK_VERSION = "Link version"
EVIDENCE = "Evidence outcome"
EVIDENCE_TEXT = "Evidence outcome text"
COLUMNS = (
    TARGET_URI,
    TARGET_LABEL,
    SOURCE_ID,
    SOURCE_LABEL,
    RELATION,
    NOTE,
    LINK_VERSION,
    EVIDENCE,
    EVIDENCE_TEXT,
)
REQUIRED = (TARGET_URI, SOURCE_ID, RELATION)

# How store errors on a decision's fields are named for someone fixing the table.
FIELD_COLUMNS = {
    "competency_id": TARGET_URI,
    "module": SOURCE_ID,
    "programme": SOURCE_ID,
    "evidence_outcome": EVIDENCE,
    "relation": RELATION,
    "reason": NOTE,
    "expected_version": LINK_VERSION,
}
# A table holds decided links only: a withdrawn link is undecided, so it is not a row.
_VERDICTS: tuple[str, ...] = tuple(v for v in get_args(Verdict) if v != "withdrawn")
_RELATIONS: tuple[str, ...] = get_args(Relation)


def skos(relation: str | None) -> str:
    return f"skos:{relation}Match" if relation else ""


def note(d: DecisionPublic) -> str:
    return f"{d.verdict}: {d.reason}" if d.reason else d.verdict


def export_rows(
    store: Store, programme: str, framework: str, catalogue: str | None
) -> list[dict[str, str]]:
    """One row per current decision of the programme's links with the framework."""
    decisions = store.current_decisions(programme, framework, catalogue=catalogue)
    ids = sorted({d.competency_id for d in decisions})
    labels = {c.id: c.label for c in store.get_competencies(framework, ids)} if ids else {}
    modules = store.get_programme(programme, catalogue).modules
    titles = {m.code: m.title for m in modules}
    texts = {o.id: o.text for m in modules for o in m.outcomes}
    return [
        {
            TARGET_URI: d.competency_id,
            TARGET_LABEL: labels.get(d.competency_id, ""),
            SOURCE_ID: f"{d.programme}/{d.module}",
            SOURCE_LABEL: titles.get(d.module, ""),
            RELATION: skos(d.relation),
            NOTE: note(d),
            LINK_VERSION: str(d.version),
            EVIDENCE: d.evidence_outcome or "",
            EVIDENCE_TEXT: texts.get(d.evidence_outcome or "", ""),
        }
        for d in decisions
        if d.verdict != "withdrawn"
    ]


def export_csv(store: Store, programme: str, framework: str, catalogue: str | None = None) -> str:
    """The mapping table of a programme's current decisions, as CSV text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in export_rows(store, programme, framework, catalogue):
        writer.writerow({column: safe_cell(value) for column, value in row.items()})
    return buffer.getvalue()


def _relation(value: str, row: int) -> Relation | None:
    if not value.strip():
        return None
    name = value.strip().removeprefix("skos:").removesuffix("Match")
    if name not in _RELATIONS:
        allowed = ", ".join(skos(r) for r in _RELATIONS)
        raise InputError(
            f"unknown relation {value!r}; use {allowed} or leave empty", row=row, field=RELATION
        )
    return cast(Relation, name)


def _verdict_and_reason(text: str, relation: Relation | None) -> tuple[Verdict, str]:
    head, sep, rest = text.partition(":")
    if head.strip() in _VERDICTS:
        return cast(Verdict, head.strip()), rest.strip() if sep else ""
    return ("accepted" if relation else "rejected"), text.strip()


def _version(value: str, row: int) -> int:
    """The link version a row was decided against; empty means a new link (version 0)."""
    if not value.strip():
        return 0
    try:
        version = int(value.strip())
    except ValueError:
        version = -1
    if version < 0:
        raise InputError(
            f"{value!r} is not a link version (a whole number, or empty for a new link)",
            row=row,
            field=LINK_VERSION,
        )
    return version


def parse_row(
    record: dict[str, str], row: int, framework: str, catalogue: str | None
) -> DecisionCreate:
    """One table row as a decision; InputError naming the row and column when it is not one."""
    source = record[SOURCE_ID].strip()
    programme, sep, module = source.partition("/")
    if not (sep and programme and module):
        raise InputError(f"{source!r} is not PROGRAMME/MODULE", row=row, field=SOURCE_ID)
    uri = record[TARGET_URI].strip()
    if not uri:
        raise InputError("empty competency URI", row=row, field=TARGET_URI)
    relation = _relation(record[RELATION], row)
    verdict, reason = _verdict_and_reason(record.get(NOTE) or "", relation)
    if verdict != "rejected" and relation is None:
        raise InputError(f"a {verdict} mapping needs a relation", row=row, field=RELATION)
    return DecisionCreate(
        programme=programme,
        module=module,
        catalogue=catalogue,
        framework=framework,
        competency_id=uri,
        verdict=verdict,
        relation=relation,
        reason=reason,
        evidence_outcome=(record.get(EVIDENCE) or "").strip() or None,
        expected_version=_version(record.get(LINK_VERSION) or "", row),
    )


def _columns(header: Sequence[str] | None, file: str) -> dict[str, str]:
    """Canonical column -> the file's spelling (ESCO tables vary in capitalisation)."""
    found = {h.strip().casefold(): h for h in header or ()}
    missing = [c for c in REQUIRED if c.casefold() not in found]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", file=file, row=1)
    return {c: found[c.casefold()] for c in COLUMNS if c.casefold() in found}


def parse_table(
    text: str, framework: str, catalogue: str | None, file: str
) -> list[tuple[int, DecisionCreate]]:
    """(row number, decision) per row, the header being row 1; InputErrors lists every bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), restkey="\0extra")
    names = _columns(reader.fieldnames, file)
    parsed: list[tuple[int, DecisionCreate]] = []
    errors: list[InputError] = []
    seen: dict[tuple[str, str], int] = {}
    for row, raw in enumerate(reader, start=2):
        try:
            parsed.append((row, _parse_raw(raw, names, row, framework, catalogue, seen)))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors, file=file)
    return parsed


def _parse_raw(
    raw: dict[str, str | None],
    names: dict[str, str],
    row: int,
    framework: str,
    catalogue: str | None,
    seen: dict[tuple[str, str], int],
) -> DecisionCreate:
    if "\0extra" in raw or any(v is None for v in raw.values()):
        raise InputError("wrong number of fields", row=row)
    record = {c: unquote_cell(raw.get(name) or "") for c, name in names.items()}
    d = parse_row(record, row, framework, catalogue)
    link = (f"{d.programme}/{d.module}", d.competency_id)
    if link in seen:
        raise InputError(f"the same link is already on row {seen[link]}", row=row, field=TARGET_URI)
    seen[link] = row
    return d


def reason_rule(
    store: Store, matcher: Matcher, rows: list[tuple[int, DecisionCreate]], file: str
) -> None:
    """The reason rule on every row, as POST /decisions applies it; InputErrors lists them."""
    errors: list[InputError] = []
    for number, d in rows:
        try:
            enforce_reason_rule(store, matcher, d)
        except NotFoundError:
            continue  # an unknown module or competency: the store reports it with the rest
        except InputError as exc:
            errors.append(InputError(exc.message, row=number, field=NOTE))
    if errors:
        raise InputErrors(errors, file=file)


def import_csv(
    store: Store,
    text: str,
    *,
    framework: str,
    reviewer: UserInfo,
    catalogue: str | None = None,
    file: str = "upload.csv",
    matcher: Matcher | None = None,
) -> DecisionImportResult:
    """Import a mapping table as decisions by `reviewer`: every row, or none if any is bad.

    Each row supersedes only the link version in its `Link version` column (empty: a new
    link); stale rows give one ConflictError. With a `matcher` (the API) every row must pass
    the reason rule; the command line has no model loaded and imports tables an admin
    vouches for, so it skips the rule (scoring a table needs the model and the index).
    """
    rows = parse_table(text, framework, catalogue, file)
    if matcher is not None:
        reason_rule(store, matcher, rows, file)
    return store.import_decisions(rows, reviewer, source=file, field_names=FIELD_COLUMNS)
