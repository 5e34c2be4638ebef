"""The review queue: one link at a time, decide, undo; conflicts shown with the current state."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from outcome_matcher.api.deps import MatcherDep, StoreDep
from outcome_matcher.errors import ConflictError, InputError
from outcome_matcher.review.decisions import record_decision, undo_last
from outcome_matcher.review.programme import ProgrammeReview, load_review
from outcome_matcher.schemas.labels import LocalLabel
from outcome_matcher.services import labels_for_interface
from outcome_matcher.store import DecisionCreate, Relation, Verdict
from outcome_matcher.web.context import ContextDep, ReviewContext
from outcome_matcher.web.queue_view import (
    SHOWS,
    Filters,
    LinkView,
    Show,
    focused_item,
    link_view,
    queue_items,
    units,
)
from outcome_matcher.web.session import WebSession, check_csrf, require_decider
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
RELATIONS: tuple[Relation, ...] = ("exact", "close", "broad", "narrow", "related")


def query_filters(
    show: Show = "unreviewed", unit: str | None = None, mod: str | None = None
) -> Filters:
    return Filters(show, unit or None, mod or None)


def form_filters(
    show: Annotated[Show, Form()] = "unreviewed",
    unit: Annotated[str, Form()] = "",
    mod: Annotated[str, Form()] = "",
) -> Filters:
    return Filters(show, unit or None, mod or None)


def form_context(
    programme: Annotated[str, Form()],
    framework: Annotated[str, Form()],
    standard: Annotated[str, Form()],
    catalogue: Annotated[str, Form()] = "",
) -> ReviewContext:
    return ReviewContext(programme, framework, standard, catalogue or None)


FormContext = Annotated[ReviewContext, Depends(form_context)]
FormFilters = Annotated[Filters, Depends(form_filters)]


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    ctx: ContextDep,
    filters: Annotated[Filters, Depends(query_filters)],
    i: Annotated[int, Query(ge=0)] = 0,
    module: str | None = None,
    competency: str | None = None,
    saved: int | None = None,
    note: str | None = None,
) -> HTMLResponse:
    review = load_review(store, matcher, **ctx.params())
    flash = _flash(review, saved, note)
    return _render(request, session, store, review, ctx, filters, i, (module, competency), flash)


def _flash(review: ProgrammeReview, saved: int | None, note: str | None) -> dict[str, Any]:
    decision = next((d for d in review.decisions.values() if d.id == saved), None)
    labels = {r.competency_id: r.label for r in review.requirements}
    label = labels.get(decision.competency_id, "") if decision else ""
    return {"saved": decision, "note": note, "label": label}


def _refused(error: ConflictError | InputError, verdict: Verdict) -> dict[str, Any]:
    """A stale version shows the current state; a missing reason asks for one."""
    if isinstance(error, ConflictError):
        return {"conflict": error.context.get("current"), "saved": None, "note": None}
    return {"problem": error.message, "pending": verdict, "saved": None, "note": None}


def _render(
    request: Request,
    session: WebSession,
    store: StoreDep,
    review: ProgrammeReview,
    ctx: ReviewContext,
    filters: Filters,
    i: int,
    focus: tuple[str | None, str | None],
    flash: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    items = queue_items(review, filters)
    keys = [(it.cell.module_code, it.cell.competency_id) for it in items]
    item = None
    if focus[0] and focus[1]:
        item = focused_item(review, focus[0], focus[1], session.tr)
        i = keys.index(focus) if focus in keys else i
    elif items:
        i = min(i, len(items) - 1)
        item = items[i]
    view = link_view(store, review, item) if item else None
    context = {
        "session": session,
        "ctx": ctx,
        "review": review,
        "title": store.get_programme(ctx.programme, ctx.catalogue).title,
        "filters": filters,
        "shows": SHOWS,
        "units": units(review),
        "items": items,
        "i": i,
        "listed": item is not None and (item.cell.module_code, item.cell.competency_id) in keys,
        "link": view,
        "local": _local(store, review.framework, view, session.tr.lang),
        "relations": RELATIONS,
        "flash": flash,
        "nav": _nav(ctx, filters, i, len(items)),
    }
    return render(request, "queue.html", context, status_code)


def _local(store: StoreDep, framework: str, view: LinkView | None, lang: str) -> LocalLabel | None:
    """The competency's label in the reader's language, shown beside the English one."""
    if view is None:
        return None
    found = labels_for_interface(store, framework, [view.competency], lang)
    return found.get(view.competency.id)


def _nav(ctx: ReviewContext, filters: Filters, i: int, n: int) -> dict[str, str | None]:
    def at(pos: int) -> str | None:
        return ctx.url("/queue", i=pos, **filters.params()) if 0 <= pos < n else None

    return {"prev": at(i - 1), "next": at(i + 1)}


@router.post("/queue/decide", response_model=None)
def decide(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    ctx: FormContext,
    filters: FormFilters,
    module: Annotated[str, Form()],
    competency: Annotated[str, Form()],
    verdict: Annotated[Verdict, Form()],
    expected_version: Annotated[int, Form(ge=0)],
    csrf: Annotated[str, Form()] = "",
    relation: Annotated[Relation | None, Form()] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
    evidence_outcome: Annotated[str, Form()] = "",
    i: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    check_csrf(request, session, csrf)
    require_decider(session)
    create = DecisionCreate(
        programme=ctx.programme,
        catalogue=ctx.catalogue,
        module=module,
        framework=ctx.framework,
        competency_id=competency,
        verdict=verdict,
        relation=None if verdict == "rejected" else (relation or "close"),
        reason=reason.strip(),
        evidence_outcome=evidence_outcome or None,
        expected_version=expected_version,
    )
    try:
        done = record_decision(store, matcher, create, session.user)
    except (ConflictError, InputError) as error:
        review = load_review(store, matcher, **ctx.params())
        flash = _refused(error, verdict)
        focus = (module, competency)
        return _render(request, session, store, review, ctx, filters, i, focus, flash, error.status)
    step = 1 if filters.show == "all" else 0
    url = ctx.url("/queue", i=i + step, saved=done.id, **filters.params())
    return RedirectResponse(url, status_code=303)


@router.post("/queue/undo")
def undo(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    ctx: FormContext,
    filters: FormFilters,
    csrf: Annotated[str, Form()] = "",
    i: Annotated[int, Form(ge=0)] = 0,
) -> RedirectResponse:
    check_csrf(request, session, csrf)
    require_decider(session)
    outcome = undo_last(
        store,
        matcher,
        session.user,
        programme=ctx.programme,
        framework=ctx.framework,
        catalogue=ctx.catalogue,
    )
    if outcome is None:
        url = ctx.url("/queue", i=i, note="nothing_to_undo", **filters.params())
    else:
        focus = {"module": outcome.module, "competency": outcome.competency_id}
        extra = {"saved": outcome.saved_id, "note": outcome.note}
        url = ctx.url("/queue", i=i, **focus, **extra, **filters.params())
    return RedirectResponse(url, status_code=303)
