"""Users and tokens (admins only): tokens are shown once, in the response that creates them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from outcome_matcher.api.deps import Admin, CurrentUser, SettingsDep, StoreDep, bearer
from outcome_matcher.errors import InputError
from outcome_matcher.store.public import Role, UserInfo

router = APIRouter(tags=["users"])


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"^[^\s/]+$")
    role: Role


class UserWithToken(BaseModel):
    user: UserInfo
    token: str = Field(description="shown only now; only its hash is stored")


class TokenOut(BaseModel):
    user: str
    token: str = Field(description="shown only now; only its hash is stored")


class TokenRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1)


@router.post("/users", status_code=201)
def create_user(
    body: UserCreate, store: StoreDep, settings: SettingsDep, admin: Admin
) -> UserWithToken:
    user, token = store.add_user(
        body.name, body.role, actor=admin.name, token_lifetime=settings.token_lifetime
    )
    return UserWithToken(user=user, token=token)


@router.get("/users")
def list_users(store: StoreDep, admin: Admin) -> list[UserInfo]:
    return store.list_users()


@router.post("/users/{name}/deactivate")
def deactivate_user(name: str, store: StoreDep, admin: Admin) -> UserInfo:
    """Deactivate a user: their tokens stop working; their decisions stay theirs."""
    if name == admin.name:
        # Otherwise the last admin could lock everyone out of user management.
        raise InputError("admins cannot deactivate themselves", field="name")
    return store.set_user_active(name, False, actor=admin.name)


@router.post("/users/{name}/activate")
def activate_user(name: str, store: StoreDep, admin: Admin) -> UserInfo:
    return store.set_user_active(name, True, actor=admin.name)


@router.post("/users/{name}/tokens", status_code=201)
def issue_token(name: str, store: StoreDep, settings: SettingsDep, admin: Admin) -> TokenOut:
    """Another token for `name`; it expires after Settings.token_days."""
    token = store.create_token(name, actor=admin.name, lifetime=settings.token_lifetime)
    return TokenOut(user=name, token=token)


@router.post("/tokens/rotate", status_code=201)
def rotate_token(
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> TokenOut:
    """The caller's bearer token for a new one (any role): the old one is revoked at once."""
    if credentials is None:
        raise InputError("rotate a bearer token: send 'Authorization: Bearer <token>'",
                         field="Authorization")  # fmt: skip
    token = store.rotate_token(credentials.credentials, lifetime=settings.token_lifetime)
    return TokenOut(user=user.name, token=token)


@router.post("/tokens/revoke", status_code=204)
def revoke_token(body: TokenRevoke, store: StoreDep, admin: Admin) -> None:
    """Revoke a token (idempotent); 404 if it was never issued."""
    store.revoke_token(body.token, actor=admin.name)
