"""Coverage and gap reports of programmes against a standard: HTML, XLSX, CSV, JSON, pictures."""

from __future__ import annotations

from outcome_matcher.reports.build import (
    build_report,
    report_from_review,
    report_language,
    resolve_standard,
)
from outcome_matcher.reports.data import Report
from outcome_matcher.reports.diff import DiffReport, build_diff, diff_reports
from outcome_matcher.reports.render import (
    MEDIA_TYPES,
    ReportFormat,
    format_from_path,
    render,
    render_picture,
)
from outcome_matcher.reports.sector import (
    ProgrammeRef,
    SectorReport,
    build_sector,
    programme_refs,
    sector_from_reports,
)

__all__ = [
    "MEDIA_TYPES",
    "DiffReport",
    "ProgrammeRef",
    "Report",
    "ReportFormat",
    "SectorReport",
    "build_diff",
    "build_report",
    "build_sector",
    "diff_reports",
    "format_from_path",
    "programme_refs",
    "render",
    "render_picture",
    "report_from_review",
    "report_language",
    "resolve_standard",
    "sector_from_reports",
]
