"""Web sessions: the session cookie, the logged-in user and the CSRF defence for forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from outcome_matcher.api.cookie_auth import (
    SESSION_COOKIE,
    check_cookie_write,
    csrf_failed,
    csrf_for,
    same_origin,
)
from outcome_matcher.api.deps import SettingsDep, StoreDep
from outcome_matcher.errors import AuthError, ForbiddenError
from outcome_matcher.i18n import Translator, from_accept_language, normalize, translator
from outcome_matcher.store.public import DECIDING_ROLES, UserInfo

COOKIE = SESSION_COOKIE
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


def get_session(request: Request, store: StoreDep, settings: SettingsDep) -> Session:
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        raise LoginRequired(_here(request))
    try:
        user = store.session_user(session_id, idle=timedelta(minutes=settings.session_idle_minutes))
    except AuthError:
        raise LoginRequired(_here(request)) from None
    # the user's remembered language wins over the cookie and the browser (web.language)
    request.state.lang = user.lang
    request.state.session_id = session_id
    return Session(user=user, csrf=csrf_for(session_id), tr=request_translator(request))


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


def check_origin(request: Request) -> None:
    """Refuse cross-site form posts whose Origin is not this scheme, host and port."""
    if not same_origin(request):
        raise csrf_failed(request)


def check_csrf(request: Request, session: Session, submitted: str) -> None:
    """SameSite=Strict cookie plus the per-session token plus the Origin check."""
    check_cookie_write(request, request.state.session_id, submitted)


def require_decider(session: Session) -> None:
    """Auditors (and deactivated users) read only; the store refuses them too."""
    if not session.can_decide:
        message = session.tr.gettext("Auditors can see everything but cannot record decisions.")
        raise ForbiddenError(message, role=session.user.role)
