"""The audit report from the matrix page, in the reviewer's interface language."""

from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from outcome_matcher.api.deps import MatcherDep, StoreDep
from outcome_matcher.reports.build import build_report, report_language
from outcome_matcher.reports.render import MEDIA_TYPES, render
from outcome_matcher.web.context import ContextDep
from outcome_matcher.web.session import WebSession, request_language
from outcome_matcher.web.templating import HtmlRoute

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/report")
def report(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    ctx: ContextDep,
    format: Literal["html", "xlsx"] = "html",
    lang: str | None = None,
) -> Response:
    """The programme x standard report; `lang` overrides the page's language."""
    chosen = report_language(store, session.user.name, lang or request_language(request))
    built = build_report(
        store,
        matcher,
        programme=ctx.programme,
        framework=ctx.framework,
        standard=ctx.standard,
        catalogue=ctx.catalogue,
    )
    name = _UNSAFE.sub("_", f"{ctx.programme}-report").strip("_") or "report"
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        content=render(built, format, lang=chosen),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'{disposition}; filename="{name}.{format}"'},
    )
