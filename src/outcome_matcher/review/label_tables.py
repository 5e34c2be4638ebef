"""Reviewed labels as a CSV table, for a council that corrects translations offline."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pydantic import ValidationError

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.fileio import safe_cell, unquote_cell
from outcome_matcher.schemas.labels import REVIEWABLE_LANGS
from outcome_matcher.services.labels import local_label
from outcome_matcher.store import LabelReviewCreate, Store, UserInfo

# Export writes every column; import reads the first four and the council's two.
KEYS = ("competency_id", "lang", "version", "current_label")
COLUMNS = (
    *("competency_id", "label_en", "lang", "status", "version", "current_label"),
    *("machine_label", "new_label", "reason"),
)


@dataclass(frozen=True)
class LabelImport:
    imported: int
    unchanged: int


def export_labels(store: Store, framework: str, langs: tuple[str, ...] = REVIEWABLE_LANGS) -> str:
    """One row per competency and language with a label; fill new_label and reason to correct."""
    reviews = store.current_labels(framework)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in store.get_competencies(framework):
        for lang in langs:
            shown = local_label(c, lang, reviews.get((c.id, lang)))
            if shown is None:
                continue
            row = {
                "competency_id": c.id,
                "label_en": c.label,
                "lang": lang,
                "status": shown.status,
                "version": shown.version,
                "current_label": shown.label,
                "machine_label": shown.machine_label,
                "new_label": "",
                "reason": "",
            }
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _review(framework: str, record: dict[str, str], row: int) -> LabelReviewCreate:
    """One corrected row as a review; InputError naming the row and column when it is not one."""
    try:
        version = int(record["version"] or "0")
    except ValueError:
        message = f"{record['version']!r} is not a version number"
        raise InputError(message, row=row, field="version") from None
    data: dict[str, object] = {
        "framework": framework,
        "competency_id": record["competency_id"],
        "lang": record["lang"],
    }
    data |= {"label": record["new_label"], "reason": record["reason"], "expected_version": version}
    try:
        return LabelReviewCreate.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = str(first["loc"][0]) if first["loc"] else ""
        column = {"label": "new_label", "expected_version": "version"}.get(loc, loc)
        raise InputError(first["msg"], row=row, field=column) from None


def parse_labels(text: str, framework: str, file: str) -> tuple[list[LabelReviewCreate], int]:
    """The rows with a new label as reviews, and how many repeat the label in force."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in (*KEYS, "new_label", "reason") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", file=file, row=1)
    reviews: list[LabelReviewCreate] = []
    errors: list[InputError] = []
    seen: dict[tuple[str, str], int] = {}
    unchanged = 0
    for row, raw in enumerate(reader, start=2):
        record = {k: unquote_cell((v or "").strip()) for k, v in raw.items() if isinstance(k, str)}
        if not record.get("new_label"):
            continue
        if " ".join(record["new_label"].split()) == record.get("current_label", ""):
            unchanged += 1
            continue
        key = (record["competency_id"], record["lang"])
        try:
            if key in seen:
                raise InputError(f"the same label is already on row {seen[key]}", row=row)
            seen[key] = row
            reviews.append(_review(framework, record, row))
        except InputError as exc:
            errors.append(
                InputError(f"row {row}: {exc.message}", row=row, field=exc.context.get("field"))
            )
    if errors:
        raise InputErrors(errors, file=file)
    return reviews, unchanged


def import_labels(
    store: Store, text: str, *, framework: str, reviewer: UserInfo, file: str = "labels.csv"
) -> LabelImport:
    """Record every corrected row as a review by `reviewer`, or nothing if any row is bad or
    stale (a label reviewed since the export gives a ConflictError naming it)."""
    reviews, unchanged = parse_labels(text, framework, file)
    store.review_labels(reviews, reviewer)
    return LabelImport(imported=len(reviews), unchanged=unchanged)
