"""Web sessions: the token cookie, the logged-in user and the CSRF defence for forms."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from outcome_matcher.api.deps import StoreDep
from outcome_matcher.errors import AuthError, ForbiddenError
from outcome_matcher.store.public import DECIDING_ROLES, UserInfo
from outcome_matcher.web.strings import t

COOKIE = "om_token"


class LoginRequired(AuthError):
    """No valid session cookie: the web routes answer with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("login required")
        self.next_path = next_path


@dataclass(frozen=True)
class Session:
    """The logged-in user and the CSRF token their forms must carry."""

    user: UserInfo
    csrf: str

    @property
    def can_decide(self) -> bool:
        return self.user.active and self.user.role in DECIDING_ROLES


def csrf_for(token: str) -> str:
    """Per-session CSRF token: derived from the secret, HttpOnly cookie, so no server state."""
    return hmac.new(token.encode(), b"outcome-matcher csrf", hashlib.sha256).hexdigest()[:32]


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="")


def safe_next(next_path: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        return "/"
    return next_path


def get_session(request: Request, store: StoreDep) -> Session:
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired(_here(request))
    try:
        user = store.authenticate(token)
    except AuthError:
        raise LoginRequired(_here(request)) from None
    return Session(user=user, csrf=csrf_for(token))


WebSession = Annotated[Session, Depends(get_session)]


def check_origin(request: Request) -> None:
    """Refuse cross-site form posts whose Origin names another host."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise ForbiddenError(t("csrf.failed"))


def check_csrf(request: Request, session: Session, submitted: str) -> None:
    """SameSite=Strict cookie plus the per-session token plus the Origin check."""
    check_origin(request)
    if not hmac.compare_digest(submitted, session.csrf):
        raise ForbiddenError(t("csrf.failed"))


def require_decider(session: Session) -> None:
    """Auditors (and deactivated users) read only; the store refuses them too."""
    if not session.can_decide:
        raise ForbiddenError(t("queue.readonly"), role=session.user.role)
