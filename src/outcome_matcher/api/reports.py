"""HTTP: a programme's report as a file, and its pictures; any signed-in role may read them."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from outcome_matcher.api.deps import CurrentUser, MatcherDep, StoreDep
from outcome_matcher.api.error_bodies import file_responses
from outcome_matcher.reports.build import build_report, report_language
from outcome_matcher.reports.plots import PictureFormat
from outcome_matcher.reports.render import (
    MEDIA_TYPES,
    PictureKind,
    ReportFormat,
    render,
    render_picture,
)

router = APIRouter(tags=["reports"])
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Shown in the browser; spreadsheets and tables are downloads.
_INLINE = frozenset({"html", "json", "png", "svg"})
_LANG = "interface language of the file (en, ru, kk, uz, uz_Cyrl); default: the user's"


def _file(data: bytes, name: str, format: str) -> Response:
    disposition = "inline" if format in _INLINE else "attachment"
    filename = _UNSAFE.sub("_", name).strip("_") or "report"
    return Response(
        content=data,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'{disposition}; filename="{filename}.{format}"'},
    )


@router.get(
    "/programmes/{programme}/report",
    response_class=Response,
    responses=file_responses(
        (MEDIA_TYPES[f] for f in ("html", "xlsx", "csv", "json")), "the report file"
    ),
)
def programme_report(
    programme: str,
    framework: str,
    standard: Annotated[str, Query(description="standard key or exact label")],
    matcher: MatcherDep,
    store: StoreDep,
    user: CurrentUser,
    format: ReportFormat = "html",
    catalogue: str | None = None,
    lang: Annotated[str | None, Query(description=_LANG)] = None,
) -> Response:
    """Coverage, gaps, levels and provenance of a programme against a standard, as a file."""
    report = build_report(
        store,
        matcher,
        programme=programme,
        framework=framework,
        standard=standard,
        catalogue=catalogue,
    )
    chosen = report_language(store, user.name, lang)
    return _file(render(report, format, lang=chosen), f"{programme}-report", format)


@router.get(
    "/programmes/{programme}/report/pictures/{kind}",
    response_class=Response,
    responses=file_responses((MEDIA_TYPES[f] for f in ("png", "svg")), "the picture"),
)
def programme_report_picture(
    programme: str,
    kind: PictureKind,
    framework: str,
    standard: str,
    matcher: MatcherDep,
    store: StoreDep,
    user: CurrentUser,
    format: PictureFormat = "svg",
    catalogue: str | None = None,
    lang: Annotated[str | None, Query(description=_LANG)] = None,
) -> Response:
    """The requirements x modules heatmap or the coverage-by-unit chart, PNG or SVG."""
    report = build_report(
        store,
        matcher,
        programme=programme,
        framework=framework,
        standard=standard,
        catalogue=catalogue,
    )
    chosen = report_language(store, user.name, lang)
    return _file(render_picture(report, kind, format, lang=chosen), f"{programme}-{kind}", format)
