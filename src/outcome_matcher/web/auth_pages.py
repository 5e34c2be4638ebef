"""Log in with a token (kept in an HttpOnly, SameSite=Strict cookie) and log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from outcome_matcher.api.deps import StoreDep
from outcome_matcher.errors import AuthError
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
_DAY = 24 * 3600


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "error": None, "session": None})


@router.post("/login", response_model=None)
def login(
    request: Request,
    store: StoreDep,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_origin(request)  # no session yet: the Origin check stops login CSRF
    try:
        store.authenticate(token.strip())
    except AuthError:
        tr = request_translator(request)
        message = tr.gettext("That token is not valid or its user is deactivated.")
        context = {"next": safe_next(next), "error": message, "session": None}
        return render(request, "login.html", context, status_code=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token.strip(),
        max_age=30 * _DAY,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(
    request: Request, session: WebSession, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, session, csrf)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
