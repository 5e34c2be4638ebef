"""The interface language of a request, and the header's language switch (no JavaScript)."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from outcome_matcher.api.cookie_auth import csrf_for
from outcome_matcher.api.deps import SettingsDep, StoreDep
from outcome_matcher.config import Settings
from outcome_matcher.errors import AuthError
from outcome_matcher.i18n import normalize
from outcome_matcher.web.session import (
    COOKIE,
    LANG_COOKIE,
    check_origin,
    request_language,
    safe_next,
)

_YEAR = 365 * 24 * 3600
router = APIRouter(include_in_schema=False)


def _remember(store: StoreDep, settings: Settings, request: Request, lang: str, csrf: str) -> None:
    """Store the choice for the signed-in user (their form carries the CSRF token)."""
    session_id = request.cookies.get(COOKIE)
    if not session_id or not hmac.compare_digest(csrf, csrf_for(session_id)):
        return
    try:
        idle = timedelta(minutes=settings.session_idle_minutes)
        user = store.session_user(session_id, idle=idle)
    except AuthError:
        return
    store.set_user_language(user.name, lang, actor=user.name)


@router.post("/language")
def choose_language(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    lang: Annotated[str, Form(max_length=32)],
    next: Annotated[str, Form()] = "/",
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    check_origin(request)
    chosen = normalize(lang) or request_language(request)
    _remember(store, settings, request, chosen, csrf)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, chosen, max_age=_YEAR, path="/", samesite="lax")
    return response
