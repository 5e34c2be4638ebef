"""Dependencies as Annotated aliases: settings, store, matcher and the authenticated user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from outcome_matcher.api.cookie_auth import SESSION_COOKIE, check_cookie_write
from outcome_matcher.config import Settings
from outcome_matcher.errors import AuthError, ForbiddenError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.programme import ProgrammeReview, load_review
from outcome_matcher.store import Store
from outcome_matcher.store.public import DECIDING_ROLES, Role, UserInfo

bearer = HTTPBearer(auto_error=False, description="token from `outcome-matcher users add`")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_matcher(request: Request) -> Matcher:
    matcher: Matcher = request.app.state.matcher
    return matcher


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]


def get_current_user(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> UserInfo:
    """The user behind the bearer token, or the web UI's session cookie (whose writes must
    pass the Origin and CSRF checks; a bearer token cannot be sent by another site)."""
    if credentials:
        try:
            user = store.authenticate(credentials.credentials)
        except AuthError as error:
            error.context["field"] = "Authorization"
            raise
        # For the error handler: a later error's message in the user's language.
        request.state.user_lang = user.lang
        return user
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        message = "missing bearer token: send 'Authorization: Bearer <token>'"
        raise AuthError(message, field="Authorization").translatable(message)
    user = store.session_user(session_id, idle=timedelta(minutes=settings.session_idle_minutes))
    request.state.user_lang = user.lang
    check_cookie_write(request, session_id)
    return user


CurrentUser = Annotated[UserInfo, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[[UserInfo], UserInfo]:
    """A dependency that lets only the given roles (and admins) through."""

    def check(user: CurrentUser) -> UserInfo:
        if user.role != "admin" and user.role not in roles:
            needs = ", ".join(roles)
            raise ForbiddenError(
                f"role {user.role!r} may not do this; needs one of {needs}", role=user.role
            ).translatable(
                "role %(role)s may not do this; needs one of %(roles)s",
                role=repr(user.role),
                roles=needs,
            )
        return user

    return check


# Role aliases, the only place they are defined; admins pass every role check.
Designer = Annotated[UserInfo, Depends(require_role("designer"))]
Decider = Annotated[UserInfo, Depends(require_role(*DECIDING_ROLES))]
Admin = Annotated[UserInfo, Depends(require_role("admin"))]

FrameworkQuery = Annotated[str, Query(description="name of an imported framework")]
StandardQuery = Annotated[str, Query(description="key of a standard of that framework")]
CatalogueQuery = Annotated[str | None, Query(description="needed when programme codes clash")]


def get_review(
    programme: str,
    framework: FrameworkQuery,
    standard: StandardQuery,
    store: StoreDep,
    matcher: MatcherDep,
    user: CurrentUser,
    catalogue: CatalogueQuery = None,
) -> ProgrammeReview:
    """The programme x standard review that the coverage, matrix and queue routes share."""
    return load_review(
        store,
        matcher,
        programme=programme,
        framework=framework,
        standard=standard,
        catalogue=catalogue,
    )


ReviewDep = Annotated[ProgrammeReview, Depends(get_review)]
