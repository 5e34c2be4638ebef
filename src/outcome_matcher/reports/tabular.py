"""CSV and JSON renderers: one flat table per report kind, and the whole model as JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from outcome_matcher.fileio import safe_cell
from outcome_matcher.reports.data import Evidence, Report, RequirementReport
from outcome_matcher.reports.diff import DiffReport
from outcome_matcher.reports.sector import SectorReport

Cell = str | int | float | bool | None

REPORT_COLUMNS = (
    "unit",
    "competency_id",
    "requirement",
    "essential",
    "type",
    "level",
    "level_scale",
    "eqf",
    "status",
    "over_covered",
    "module",
    "module_title",
    "link_status",
    "score",
    "confidence",
    "relation",
    "reviewer",
    "evidence_outcome",
    "bloom_level",
    "expected_bloom",
    "p_lower",
    "level_check",
)
SECTOR_COLUMNS = (
    "catalogue",
    "programme",
    "title",
    "modules",
    "essential_total",
    "essential_confirmed",
    "essential_suggested",
    "essential_gaps",
    "essential_covered_share",
    "optional_total",
    "optional_covered_share",
    "lower_level",
    "sign_off",
    "essential_gap_labels",
)
DIFF_COLUMNS = (
    "unit",
    "competency_id",
    "requirement",
    "essential",
    "old_status",
    "new_status",
    "change",
    "old_modules",
    "new_modules",
)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    # A BOM so that spreadsheet programs read the UTF-8 (Cyrillic, Kazakh) correctly.
    return buffer.getvalue().encode("utf-8-sig")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _evidence_cells(r: RequirementReport, e: Evidence | None) -> list[Cell]:
    if e is None:
        return [*([None] * 9), r.expected_bloom, None, str(r.level_check)]
    cells: list[Cell] = [
        e.module,
        e.module_title,
        e.status,
        _round(e.score),
        _round(e.confidence),
        e.relation,
        e.reviewer,
        e.outcome,
        e.bloom_level,
        r.expected_bloom,
        _round(e.p_lower),
        e.level_check,
    ]
    return cells


def report_rows(report: Report) -> Iterable[list[Cell]]:
    """One row per requirement and covering module; a gap is one row without a module."""
    for r in report.requirements:
        head: list[Cell] = [
            r.unit,
            r.competency_id,
            r.label,
            r.essential,
            r.type,
            r.level,
            r.level_scale,
            r.eqf,
            r.status,
            r.over_covered,
        ]
        for e in r.evidence or (None,):
            yield head + _evidence_cells(r, e)


def sector_rows(sector: SectorReport) -> Iterable[list[Cell]]:
    for r in sector.rows:
        yield [
            r.catalogue,
            r.programme,
            r.title,
            r.modules,
            r.essential.total,
            r.essential.confirmed,
            r.essential.suggested,
            r.essential.gaps,
            round(r.essential.covered_share, 4),
            r.optional.total,
            round(r.optional.covered_share, 4),
            r.lower_level,
            r.sign_off,
            "; ".join(r.essential_gaps),
        ]


def diff_rows(diff: DiffReport) -> Iterable[list[Cell]]:
    for r in diff.rows:
        yield [
            r.unit,
            r.competency_id,
            r.label,
            r.essential,
            r.old_status,
            r.new_status,
            r.change,
            " ".join(r.old_modules),
            " ".join(r.new_modules),
        ]


def render_csv(report: Report | SectorReport | DiffReport) -> bytes:
    if isinstance(report, Report):
        return write_csv(REPORT_COLUMNS, report_rows(report))
    if isinstance(report, SectorReport):
        return write_csv(SECTOR_COLUMNS, sector_rows(report))
    return write_csv(DIFF_COLUMNS, diff_rows(report))


def render_json(report: BaseModel) -> bytes:
    return report.model_dump_json(indent=2).encode("utf-8")
