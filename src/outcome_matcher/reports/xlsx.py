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

from outcome_matcher.fileio import safe_cell
from outcome_matcher.i18n import N_, Translator, labels, translator
from outcome_matcher.reports import levels, plots, tabular
from outcome_matcher.reports import xlsx_labels as words
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
    N_("requirements"),
    N_("total"),
    N_("confirmed"),
    N_("suggested only"),
    N_("gaps"),
    N_("covered share"),
    N_("confirmed share"),
    N_("suggested share"),
)


def _status_colours(ws: Worksheet, cells: str, tr: Translator) -> None:
    """Conditional fills, so that colours follow the value if a reader edits a status."""
    shown = words.status_words(tr, FILLS)
    for code, colour in FILLS.items():
        word = shown[code]
        fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill)
        )


def _table(
    ws: Worksheet,
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    tr: Translator,
    *,
    freeze: str = "A2",
    widths: Mapping[str, float] | None = None,
) -> int:
    """Header, rows, frozen panes and a filter; returns the last row number."""
    ws.append(words.titles(tr, columns))
    for cell in ws[1]:
        cell.font = BOLD
    for row in words.coded_rows(tr, columns, rows):
        ws.append(row)
    ws.freeze_panes = freeze
    last: int = max(ws.max_row, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    for name, width in (widths or {}).items():
        ws.column_dimensions[get_column_letter(columns.index(name) + 1)].width = width
    return last


def _status_column(
    ws: Worksheet, columns: Sequence[str], name: str, last: int, tr: Translator
) -> None:
    letter = get_column_letter(columns.index(name) + 1)
    _status_colours(ws, f"{letter}2:{letter}{last}", tr)


def _summary_sheet(ws: Worksheet, report: Report, tr: Translator) -> None:
    p, s = report.provenance, report.summary
    title = tr.gettext("%(title)s (%(programme)s) against %(standard)s")
    ws.append(
        [
            title
            % {"title": p.programme_title, "programme": p.programme, "standard": p.standard_label}
        ]
    )
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append([tr.gettext(c) for c in SUMMARY_COLUMNS])
    for cell in ws[3]:
        cell.font = BOLD
    for name, share in (("essential", s.essential), ("optional", s.optional)):
        ws.append(
            [
                labels.label(tr, "group", name),
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
        (N_("sign-off"), labels.label(tr, "sign_off", s.sign_off)),
        (N_("decisions to re-review"), s.needs_review),
        (N_("links awaiting a second reviewer"), s.pending),
        (N_("over-covered requirements"), s.over_covered),
        (N_("covered at a lower level"), s.lower_level),
    ):
        ws.append([tr.gettext(label), value])
    ws.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 15
    chart = Image(io.BytesIO(plots.unit_chart(report, "png", tr)))
    ws.add_image(chart, f"A{ws.max_row + 2}")


def _matrix_sheets(wb: Workbook, report: Report, tr: Translator) -> None:
    codes = [m.code for m in report.modules]
    head = ["unit", "requirement", *codes]
    statuses = wb.create_sheet(words.sheet(tr, "Matrix"))
    scores = wb.create_sheet(words.sheet(tr, "Scores"))
    status_rows, score_rows = [], []
    for req, cells in zip(report.requirements, report.matrix, strict=True):
        names: list[Cell] = [
            labels.label(tr, "status", c.status) if c.status != "none" else None for c in cells
        ]
        numbers: list[Cell] = [None if c.score is None else round(c.score, 4) for c in cells]
        status_rows.append([req.unit, req.label, *names])
        score_rows.append([req.unit, req.label, *numbers])
    widths = {"unit": 22, "requirement": 48}
    last = _table(statuses, head, status_rows, tr, freeze="C2", widths=widths)
    end = get_column_letter(len(head))
    _status_colours(statuses, f"C2:{end}{last}", tr)
    last = _table(scores, head, score_rows, tr, freeze="C2", widths=widths)
    scores.conditional_formatting.add(
        f"C2:{end}{last}",
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="4A90C2"),
    )


def _provenance_sheet(ws: Worksheet, pairs: Iterable[tuple[str, Cell]], tr: Translator) -> None:
    # Field names are marked N_ where the pairs are built and translated here.
    rows = [(tr.gettext(name), value) for name, value in pairs]
    _table(ws, ["field", "value"], rows, tr, widths={"field": 26, "value": 90})


def report_workbook(report: Report, tr: Translator | None = None) -> Workbook:
    tr = tr or translator()
    wb = Workbook()
    summary = wb.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = words.sheet(tr, "Summary")
    _summary_sheet(summary, report, tr)
    columns = tabular.REPORT_COLUMNS
    requirements = wb.create_sheet(words.sheet(tr, "Requirements"))
    widths = {"requirement": 40, "evidence_outcome": 60, "unit": 22}
    rows = tabular.report_rows(report)
    last = _table(requirements, columns, rows, tr, freeze="D2", widths=widths)
    for name in ("status", "link_status", "level_check"):
        _status_column(requirements, columns, name, last, tr)
    gaps = wb.create_sheet(words.sheet(tr, "Gaps"))
    gap_columns = ("unit", "competency_id", "requirement", "essential", "type")
    gap_rows = [[r.unit, r.competency_id, r.label, r.essential, r.type] for r in report.gaps()]
    _table(gaps, gap_columns, gap_rows, tr, widths={"requirement": 48, "unit": 22})
    _matrix_sheets(wb, report, tr)
    provenance = wb.create_sheet(words.sheet(tr, "Provenance"))
    _provenance_sheet(provenance, _provenance_pairs(report, tr), tr)
    return wb


def _provenance_pairs(report: Report, tr: Translator) -> list[tuple[str, Cell]]:
    p = report.provenance
    pairs: list[tuple[str, Cell]] = [
        (N_("programme"), f"{p.programme} {p.programme_title}"),
        (N_("catalogue"), p.catalogue),
        (N_("framework"), f"{p.framework} {p.framework_version}"),
        (N_("standard"), f"{p.standard_label} ({p.standard_id})"),
        (N_("model"), p.model_name),
        (N_("model fingerprint"), p.model_fingerprint),
        (N_("index fingerprint"), p.index_fingerprint),
        (N_("operating threshold"), p.threshold),
        (N_("calibrated"), p.calibrated),
        (N_("four-eyes sign-off"), p.four_eyes),
        (N_("generated"), p.generated.isoformat(timespec="seconds")),
        (N_("sign-off"), labels.label(tr, "sign_off", report.summary.sign_off)),
        (N_("level rule"), levels.level_rule(tr, p.level_rule)),
    ]
    counts = tr.gettext(
        "%(decisions)s (%(accepted)s accepted, %(partial)s partial, %(rejected)s rejected)"
    )
    by = tr.gettext("decisions by %(reviewer)s")
    pairs += [(by % {"reviewer": r.reviewer}, counts % r.model_dump()) for r in p.reviewers]
    return pairs


def sector_workbook(sector: SectorReport, tr: Translator | None = None) -> Workbook:
    tr = tr or translator()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = words.sheet(tr, "Programmes")
    columns = tabular.SECTOR_COLUMNS
    rows = tabular.sector_rows(sector)
    last = _table(ws, columns, rows, tr, freeze="C2", widths={"title": 36})
    for name in ("essential_covered_share", "optional_covered_share"):
        letter = get_column_letter(columns.index(name) + 1)
        for row in range(2, last + 1):
            ws[f"{letter}{row}"].number_format = PERCENT
    head = ["unit", "requirement", "essential", *(r.programme for r in sector.rows)]
    statuses = [[labels.label(tr, "status", s) for s in q.statuses] for q in sector.requirements]
    matrix_rows = [
        [q.unit, q.label, q.essential, *shown]
        for q, shown in zip(sector.requirements, statuses, strict=True)
    ]
    matrix = wb.create_sheet(words.sheet(tr, "Requirements"))
    widths = {"requirement": 48, "unit": 22}
    last = _table(matrix, head, matrix_rows, tr, freeze="D2", widths=widths)
    _status_colours(matrix, f"D2:{get_column_letter(len(head))}{last}", tr)
    _provenance_sheet(
        wb.create_sheet(words.sheet(tr, "Provenance")),
        [
            (N_("framework"), f"{sector.framework} {sector.framework_version}"),
            (N_("standard"), f"{sector.standard_label} ({sector.standard_id})"),
            (N_("model fingerprint"), sector.model_fingerprint),
            (N_("operating threshold"), sector.threshold),
            (N_("generated"), sector.generated.isoformat(timespec="seconds")),
        ],
        tr,
    )
    return wb


def diff_workbook(diff: DiffReport, tr: Translator | None = None) -> Workbook:
    tr = tr or translator()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = words.sheet(tr, "Diff")
    columns = tabular.DIFF_COLUMNS
    rows = tabular.diff_rows(diff)
    last = _table(ws, columns, rows, tr, freeze="D2", widths={"requirement": 48})
    for name in ("old_status", "new_status", "change"):
        _status_column(ws, columns, name, last, tr)
    _provenance_sheet(
        wb.create_sheet(words.sheet(tr, "Provenance")),
        [
            (N_("old"), f"{diff.old.catalogue or ''} {diff.old.programme}".strip()),
            (N_("new"), f"{diff.new.catalogue or ''} {diff.new.programme}".strip()),
            (N_("framework"), f"{diff.framework} {diff.framework_version}"),
            (N_("standard"), f"{diff.standard_label} ({diff.standard_id})"),
            (N_("model fingerprint"), diff.model_fingerprint),
            (N_("generated"), diff.generated.isoformat(timespec="seconds")),
        ],
        tr,
    )
    return wb


def render_xlsx(report: Report | SectorReport | DiffReport, tr: Translator | None = None) -> bytes:
    if isinstance(report, Report):
        wb = report_workbook(report, tr)
    elif isinstance(report, SectorReport):
        wb = sector_workbook(report, tr)
    else:
        wb = diff_workbook(report, tr)
    _no_formulas(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _no_formulas(wb: Workbook) -> None:
    """Every text cell stays text: openpyxl would store '=...' (a module title) as a formula."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (
                    cell.data_type == "f" or cell.value != safe_cell(cell.value)
                ):
                    cell.value = safe_cell(cell.value)
                    cell.data_type = "s"
