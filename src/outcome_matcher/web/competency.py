"""A competency's page: its labels in the users' languages, a council's corrections, history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from outcome_matcher import services
from outcome_matcher.api.deps import StoreDep
from outcome_matcher.errors import ConflictError
from outcome_matcher.schemas.labels import REVIEWABLE_LANGS, ReviewableLang, label_lang
from outcome_matcher.store import LabelReviewCreate
from outcome_matcher.store.public import MAX_LABEL_CHARS, MAX_REASON_CHARS
from outcome_matcher.web.context import link
from outcome_matcher.web.session import Session, WebSession, check_csrf, require_decider
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
Lang = Annotated[ReviewableLang, Form()]


def competency_url(framework: str, competency: str, **extra: str | int | None) -> str:
    return link("/competency", framework=framework, id=competency, **extra)


def _render(
    request: Request,
    session: Session,
    store: StoreDep,
    framework: str,
    competency: str,
    flash: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    found = services.competency_labels(store, framework, competency)
    history = store.label_history(framework, competency_id=competency)
    context = {
        "session": session,
        "framework": framework,
        "comp": found.competency,
        "labels": {ll.lang: ll for ll in found.labels},
        "langs": REVIEWABLE_LANGS,
        "mine": label_lang(session.tr.lang),
        "history": list(reversed(history)),
        "flash": flash,
        "max_label": MAX_LABEL_CHARS,
        "max_reason": MAX_REASON_CHARS,
    }
    return render(request, "competency.html", context, status_code)


@router.get("/competency", response_class=HTMLResponse)
def competency_page(
    request: Request,
    session: WebSession,
    store: StoreDep,
    framework: Annotated[str, Query(min_length=1, max_length=200)],
    id: Annotated[str, Query(min_length=1, max_length=512)],
    saved: ReviewableLang | None = None,
) -> HTMLResponse:
    return _render(request, session, store, framework, id, {"saved": saved})


@router.post("/competency/label", response_model=None)
def review_label(
    request: Request,
    session: WebSession,
    store: StoreDep,
    framework: Annotated[str, Form(max_length=200)],
    competency: Annotated[str, Form(max_length=512)],
    lang: Lang,
    expected_version: Annotated[int, Form(ge=0)],
    # Twice the limit here: a label a little too long gets the page's message, not a bare 422.
    label: Annotated[str, Form(max_length=MAX_LABEL_CHARS * 2)] = "",
    reason: Annotated[str, Form(max_length=MAX_REASON_CHARS)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, session, csrf)
    require_decider(session)
    data = {"label": label, "reason": reason, "lang": lang, "expected_version": expected_version}
    try:
        create = LabelReviewCreate.model_validate(
            {"framework": framework, "competency_id": competency, **data}
        )
        store.review_label(create, session.user)
    except ValidationError as error:
        flash: dict[str, Any] = {
            "problem": _problem(session, error),
            "lang": lang,
            "label": label,
            "reason": reason,
        }
        return _render(request, session, store, framework, competency, flash, 422)
    except ConflictError as error:  # someone reviewed it meanwhile: show theirs
        stale = {"conflict": error.context.get("current"), "lang": lang}
        return _render(request, session, store, framework, competency, stale, error.status)
    return RedirectResponse(competency_url(framework, competency, saved=lang), status_code=303)


def _problem(session: Session, error: ValidationError) -> str:
    """Which field was refused, in the reader's language."""
    fields = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
    if "label" in fields:
        return session.tr.gettext(
            "Type the corrected label (one line, at most %(num)s characters)."
        ) % {"num": MAX_LABEL_CHARS}
    return session.tr.gettext("Say why the label is corrected (a reason is required).")
