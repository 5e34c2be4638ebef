"""XLSX renderer (openpyxl): summary, requirements, gaps, matrix, scores and provenance sheets."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from outcome_matcher.reports import plots, tabular
from outcome_matcher.reports.data import Report
from outcome_matcher.reports.diff import DiffReport
from outcome_matcher.reports.sector import SectorReport

Cell = tabular.Cell
BOLD = Font(bold=True)
FILLS = {
    "confirmed": "DFF0D8",
    "partial": "E8F5E9",
    "pending": "E3F2FD",
    "suggested": "FFF3CD",
    "gap": "FBE0E0",
    "lower": "FBE0E0",
    "rejected": "E0E0E0",
    "gained": "DFF0D8",
    "lost": "FBE0E0",
    "strengthened": "E8F5E9",
    "weakened": "FFF3CD",
}
PERCENT = "0%"
SUMMARY_COLUMNS = (
    "requirements",
    "total",
    "confirmed",
    "suggested only",
    "gaps",
    "covered share",
    "confirmed share",
    "suggested share",
)


def _status_colours(ws: Worksheet, cells: str) -> None:
    """Conditional fills, so that colours follow the value if a reader edits a status."""
    for word, colour in FILLS.items():
        fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill)
        )


def _table(
    ws: Worksheet,
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    freeze: str = "A2",
    widths: Mapping[str, float] | None = None,
) -> int:
    """Header, rows, frozen panes and a filter; returns the last row number."""
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = freeze
    last: int = max(ws.max_row, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    for name, width in (widths or {}).items():
        ws.column_dimensions[get_column_letter(columns.index(name) + 1)].width = width
    return last


def _status_column(ws: Worksheet, columns: Sequence[str], name: str, last: int) -> None:
    letter = get_column_letter(columns.index(name) + 1)
    _status_colours(ws, f"{letter}2:{letter}{last}")


def _summary_sheet(ws: Worksheet, report: Report) -> None:
    p, s = report.provenance, report.summary
    ws.append([f"{p.programme_title} ({p.programme}) against {p.standard_label}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(SUMMARY_COLUMNS))
    for cell in ws[3]:
        cell.font = BOLD
    for name, share in (("essential", s.essential), ("optional", s.optional)):
        ws.append(
            [
                name,
                share.total,
                share.confirmed,
                share.suggested,
                share.gaps,
                share.covered_share,
                share.confirmed_share,
                share.suggested_share,
            ]
        )
        for col in "FGH":
            ws[f"{col}{ws.max_row}"].number_format = PERCENT
    ws.append([])
    for label, value in (
        ("sign-off", s.sign_off),
        ("decisions to re-review", s.needs_review),
        ("links awaiting a second reviewer", s.pending),
        ("over-covered requirements", s.over_covered),
        ("covered at a lower level", s.lower_level),
    ):
        ws.append([label, value])
    ws.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 15
    chart = Image(io.BytesIO(plots.unit_chart(report, "png")))
    ws.add_image(chart, f"A{ws.max_row + 2}")


def _matrix_sheets(wb: Workbook, report: Report) -> None:
    codes = [m.code for m in report.modules]
    head = ["unit", "requirement", *codes]
    statuses = wb.create_sheet("Matrix")
    scores = wb.create_sheet("Scores")
    status_rows, score_rows = [], []
    for req, cells in zip(report.requirements, report.matrix, strict=True):
        names: list[Cell] = [c.status if c.status != "none" else None for c in cells]
        numbers: list[Cell] = [None if c.score is None else round(c.score, 4) for c in cells]
        status_rows.append([req.unit, req.label, *names])
        score_rows.append([req.unit, req.label, *numbers])
    widths = {"unit": 22, "requirement": 48}
    last = _table(statuses, head, status_rows, freeze="C2", widths=widths)
    end = get_column_letter(len(head))
    _status_colours(statuses, f"C2:{end}{last}")
    last = _table(scores, head, score_rows, freeze="C2", widths=widths)
    scores.conditional_formatting.add(
        f"C2:{end}{last}",
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="4A90C2"),
    )


def _provenance_sheet(ws: Worksheet, pairs: Iterable[tuple[str, Cell]]) -> None:
    _table(ws, ["field", "value"], pairs, widths={"field": 26, "value": 90})


def report_workbook(report: Report) -> Workbook:
    wb = Workbook()
    summary = wb.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = "Summary"
    _summary_sheet(summary, report)
    columns = tabular.REPORT_COLUMNS
    requirements = wb.create_sheet("Requirements")
    widths = {"requirement": 40, "evidence_outcome": 60, "unit": 22}
    last = _table(requirements, columns, tabular.report_rows(report), freeze="D2", widths=widths)
    for name in ("status", "link_status", "level_check"):
        _status_column(requirements, columns, name, last)
    gaps = wb.create_sheet("Gaps")
    gap_columns = ("unit", "competency_id", "requirement", "essential", "type")
    gap_rows = [[r.unit, r.competency_id, r.label, r.essential, r.type] for r in report.gaps()]
    _table(gaps, gap_columns, gap_rows, widths={"requirement": 48, "unit": 22})
    _matrix_sheets(wb, report)
    _provenance_sheet(wb.create_sheet("Provenance"), _provenance_pairs(report))
    return wb


def _provenance_pairs(report: Report) -> list[tuple[str, Cell]]:
    p = report.provenance
    pairs: list[tuple[str, Cell]] = [
        ("programme", f"{p.programme} {p.programme_title}"),
        ("catalogue", p.catalogue),
        ("framework", f"{p.framework} {p.framework_version}"),
        ("standard", f"{p.standard_label} ({p.standard_id})"),
        ("model", p.model_name),
        ("model fingerprint", p.model_fingerprint),
        ("index fingerprint", p.index_fingerprint),
        ("operating threshold", p.threshold),
        ("calibrated", p.calibrated),
        ("four-eyes sign-off", p.four_eyes),
        ("generated", p.generated.isoformat(timespec="seconds")),
        ("sign-off", report.summary.sign_off),
        ("level rule", p.level_rule),
    ]
    pairs += [
        (
            f"decisions by {r.reviewer}",
            f"{r.decisions} ({r.accepted} accepted, {r.partial} partial, {r.rejected} rejected)",
        )
        for r in p.reviewers
    ]
    return pairs


def sector_workbook(sector: SectorReport) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Programmes"
    columns = tabular.SECTOR_COLUMNS
    last = _table(ws, columns, tabular.sector_rows(sector), freeze="C2", widths={"title": 36})
    for name in ("essential_covered_share", "optional_covered_share"):
        letter = get_column_letter(columns.index(name) + 1)
        for row in range(2, last + 1):
            ws[f"{letter}{row}"].number_format = PERCENT
    head = ["unit", "requirement", "essential", *(r.programme for r in sector.rows)]
    rows = [[q.unit, q.label, q.essential, *q.statuses] for q in sector.requirements]
    matrix = wb.create_sheet("Requirements")
    last = _table(matrix, head, rows, freeze="D2", widths={"requirement": 48, "unit": 22})
    _status_colours(matrix, f"D2:{get_column_letter(len(head))}{last}")
    _provenance_sheet(
        wb.create_sheet("Provenance"),
        [
            ("framework", f"{sector.framework} {sector.framework_version}"),
            ("standard", f"{sector.standard_label} ({sector.standard_id})"),
            ("model fingerprint", sector.model_fingerprint),
            ("operating threshold", sector.threshold),
            ("generated", sector.generated.isoformat(timespec="seconds")),
        ],
    )
    return wb


def diff_workbook(diff: DiffReport) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Diff"
    columns = tabular.DIFF_COLUMNS
    last = _table(ws, columns, tabular.diff_rows(diff), freeze="D2", widths={"requirement": 48})
    for name in ("old_status", "new_status", "change"):
        _status_column(ws, columns, name, last)
    _provenance_sheet(
        wb.create_sheet("Provenance"),
        [
            ("old", f"{diff.old.catalogue or ''} {diff.old.programme}".strip()),
            ("new", f"{diff.new.catalogue or ''} {diff.new.programme}".strip()),
            ("framework", f"{diff.framework} {diff.framework_version}"),
            ("standard", f"{diff.standard_label} ({diff.standard_id})"),
            ("model fingerprint", diff.model_fingerprint),
            ("generated", diff.generated.isoformat(timespec="seconds")),
        ],
    )
    return wb


def render_xlsx(report: Report | SectorReport | DiffReport) -> bytes:
    if isinstance(report, Report):
        wb = report_workbook(report)
    elif isinstance(report, SectorReport):
        wb = sector_workbook(report)
    else:
        wb = diff_workbook(report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
