"""The browser session cookie on the API: its CSRF token and the Origin check on writes."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Request

from outcome_matcher.errors import ForbiddenError
from outcome_matcher.i18n import N_, from_accept_language, translator

SESSION_COOKIE = "om_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FAILED = N_("The form expired or came from another site; reload the page and try again.")


def csrf_for(session_id: str) -> str:
    """Per-session CSRF token: derived from the secret, HttpOnly session id, so no server state."""
    return hmac.new(session_id.encode(), b"outcome-matcher csrf", hashlib.sha256).hexdigest()[:32]


def same_origin(request: Request) -> bool:
    """No Origin header (the CSRF token then decides), or exactly this scheme, host and port."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)


def csrf_failed(request: Request) -> ForbiddenError:
    lang = getattr(request.state, "lang", None) or from_accept_language(
        request.headers.get("accept-language")
    )
    return ForbiddenError(translator(lang).gettext(CSRF_FAILED), field=CSRF_HEADER)


def check_cookie_write(request: Request, session_id: str, submitted: str | None = None) -> None:
    """A cookie-authenticated write must come from this origin and carry the session's token
    (in the X-CSRF-Token header, or `submitted` from a form field)."""
    if request.method in SAFE_METHODS:
        return
    token = submitted or request.headers.get(CSRF_HEADER) or ""
    if not same_origin(request) or not hmac.compare_digest(token, csrf_for(session_id)):
        raise csrf_failed(request)
