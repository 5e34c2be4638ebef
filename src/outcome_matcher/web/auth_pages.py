"""Log in with a token (a server-side session in an HttpOnly, SameSite=Strict cookie) and out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from outcome_matcher.api.deps import SettingsDep, StoreDep
from outcome_matcher.config import Settings
from outcome_matcher.errors import AuthError
from outcome_matcher.web.login_limit import SlidingWindow, login_keys
from outcome_matcher.web.session import (
    COOKIE,
    WebSession,
    check_csrf,
    check_origin,
    request_translator,
    safe_next,
)
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


def _limiter(request: Request, settings: Settings) -> SlidingWindow:
    state = request.app.state
    if not hasattr(state, "login_limiter"):
        state.login_limiter = SlidingWindow(settings.login_attempts, settings.login_window_seconds)
    limiter: SlidingWindow = state.login_limiter
    return limiter


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "error": None, "session": None})


@router.post("/login", response_model=None)
def login(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    check_origin(request)  # no session yet: the Origin check stops login CSRF
    tr = request_translator(request)
    client = request.client.host if request.client else None
    wait = _limiter(request, settings).retry_after(*login_keys(client, token.strip()))
    if wait:
        message = tr.gettext("Too many login attempts; try again in %(seconds)d seconds.") % {
            "seconds": wait
        }
        context = {"next": safe_next(next), "error": message, "session": None}
        refused = render(request, "login.html", context, status_code=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    try:
        user = store.authenticate(token.strip())
    except AuthError:
        message = tr.gettext("That token is not valid or its user is deactivated.")
        context = {"next": safe_next(next), "error": message, "session": None}
        return render(request, "login.html", context, status_code=401)
    lifetime = timedelta(hours=settings.session_hours)
    store.end_stale_sessions(idle=timedelta(minutes=settings.session_idle_minutes))  # bounded
    session_id = store.create_session(user.name, lifetime=lifetime)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(
    request: Request, session: WebSession, store: StoreDep, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, session, csrf)
    store.end_session(request.state.session_id)  # the cookie is dead even if a copy survives
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
