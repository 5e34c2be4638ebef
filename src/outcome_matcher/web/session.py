"""Web sessions: the token cookie, the logged-in user and the CSRF defence for forms."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from outcome_matcher.api.deps import StoreDep
from outcome_matcher.errors import AuthError, ForbiddenError
from outcome_matcher.i18n import Translator, from_accept_language, normalize, translator
from outcome_matcher.store.public import DECIDING_ROLES, UserInfo

COOKIE = "om_token"
LANG_COOKIE = "om_lang"


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
    tr: Translator = field(default_factory=translator)

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
    # the user's remembered language wins over the cookie and the browser (web.language)
    request.state.lang = user.lang
    return Session(user=user, csrf=csrf_for(token), tr=request_translator(request))


def request_language(request: Request) -> str:
    """The user's stored choice, else the switch's cookie, else the browser's Accept-Language."""
    return (
        normalize(getattr(request.state, "lang", None))
        or normalize(request.cookies.get(LANG_COOKIE))
        or from_accept_language(request.headers.get("accept-language"))
    )


def request_translator(request: Request) -> Translator:
    return translator(request_language(request))


WebSession = Annotated[Session, Depends(get_session)]


def _csrf_failed(request: Request) -> ForbiddenError:
    tr = request_translator(request)
    return ForbiddenError(
        tr.gettext("The form expired or came from another site; reload the page and try again.")
    )


def check_origin(request: Request) -> None:
    """Refuse cross-site form posts whose Origin names another host."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise _csrf_failed(request)


def check_csrf(request: Request, session: Session, submitted: str) -> None:
    """SameSite=Strict cookie plus the per-session token plus the Origin check."""
    check_origin(request)
    if not hmac.compare_digest(submitted, session.csrf):
        raise _csrf_failed(request)


def require_decider(session: Session) -> None:
    """Auditors (and deactivated users) read only; the store refuses them too."""
    if not session.can_decide:
        message = session.tr.gettext("Auditors can see everything but cannot record decisions.")
        raise ForbiddenError(message, role=session.user.role)
