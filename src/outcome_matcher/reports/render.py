"""One entry point for every output: render(report, format, path, lang) -> bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from outcome_matcher.errors import InputError
from outcome_matcher.fileio import write_file
from outcome_matcher.i18n import Translator, translator
from outcome_matcher.reports import html, plots, tabular, xlsx
from outcome_matcher.reports.data import Report
from outcome_matcher.reports.diff import DiffReport
from outcome_matcher.reports.sector import SectorReport

ReportFormat = Literal["html", "xlsx", "csv", "json"]
PictureKind = Literal["heatmap", "units"]
AnyReport = Report | SectorReport | DiffReport
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def _html(report: AnyReport, tr: Translator) -> bytes:
    if isinstance(report, Report):
        return html.render_report(report, tr)
    if isinstance(report, SectorReport):
        return html.render_sector(report, tr)
    return html.render_diff(report, tr)


def render(
    report: AnyReport, format: ReportFormat, path: Path | None = None, lang: str | None = None
) -> bytes:
    """The report as a file's bytes; also written to `path` when one is given.

    `lang` is the interface language of HTML and XLSX (headings, sheet names, column titles);
    CSV and JSON keep their English machine-readable columns whatever `lang` says.
    """
    tr = translator(lang)
    if format == "html":
        data = _html(report, tr)
    elif format == "xlsx":
        data = xlsx.render_xlsx(report, tr)
    elif format == "csv":
        data = tabular.render_csv(report)
    elif format == "json":
        data = tabular.render_json(report)
    else:
        known = ", ".join(get_args(ReportFormat))
        raise InputError(f"unknown report format {format!r} (use {known})", field="format")
    if path is not None:
        write_file(path, data)  # atomic: a full disk leaves the old report as it was
    return data


def render_picture(
    report: Report,
    kind: PictureKind,
    format: plots.PictureFormat,
    path: Path | None = None,
    lang: str | None = None,
) -> bytes:
    """The heatmap or the coverage-by-unit chart as PNG or SVG, titled in `lang`."""
    draw = plots.heatmap if kind == "heatmap" else plots.unit_chart
    data = draw(report, format, translator(lang))
    if path is not None:
        write_file(path, data)  # atomic: a full disk leaves the old report as it was
    return data


def format_from_path(path: Path) -> ReportFormat | None:
    """The format a file name asks for (report.xlsx -> xlsx), if it is one we write."""
    suffix = path.suffix.lower().lstrip(".")
    for known in get_args(ReportFormat):
        if suffix == known:
            return known  # type: ignore[no-any-return]
    return None
