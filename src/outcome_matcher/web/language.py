"""The interface language of a request, and the header's language switch (no JavaScript)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from outcome_matcher.api.deps import StoreDep
from outcome_matcher.errors import AuthError
from outcome_matcher.i18n import normalize
from outcome_matcher.web.session import (
    COOKIE,
    LANG_COOKIE,
    check_origin,
    csrf_for,
    request_language,
    safe_next,
)

_YEAR = 365 * 24 * 3600
router = APIRouter(include_in_schema=False)


def _remember(store: StoreDep, request: Request, lang: str, csrf: str) -> None:
    """Store the choice for the signed-in user (their form carries the CSRF token)."""
    token = request.cookies.get(COOKIE)
    if not token or not hmac.compare_digest(csrf, csrf_for(token)):
        return
    try:
        user = store.authenticate(token)
    except AuthError:
        return
    store.set_user_language(user.name, lang, actor=user.name)


@router.post("/language")
def choose_language(
    request: Request,
    store: StoreDep,
    lang: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_origin(request)
    chosen = normalize(lang) or request_language(request)
    _remember(store, request, chosen, csrf)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, chosen, max_age=_YEAR, path="/", samesite="lax")
    return response
