"""Users and API tokens: only a token's sha256 is stored; the raw token is shown once."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import cast

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from outcome_matcher.errors import AuthError, ConflictError, InputError, NotFoundError
from outcome_matcher.store.base import StoreBase, audit
from outcome_matcher.store.public import Role, UserInfo
from outcome_matcher.store.tables import TokenRow, UserRow, utcnow
from outcome_matcher.store.tables_sessions import SessionRow

# Recording every request's use would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)
# A BCP 47 / gettext language tag: 'ru', 'uz_Cyrl', 'kk-KZ'.
_LANG = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_info(row: UserRow) -> UserInfo:
    return UserInfo(name=row.name, role=cast(Role, row.role), active=row.active, lang=row.lang)


def user_row(session: Session, name: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise NotFoundError(f"unknown user {name!r}", user=name)
    return row


def _new_token(session: Session, user: UserRow, lifetime: timedelta | None) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires = None if lifetime is None else now + lifetime
    session.add(
        TokenRow(user_id=user.id, token_hash=hash_token(token), created=now, expires_at=expires)
    )
    return token


def _token_of(session: Session, token: str) -> tuple[TokenRow, UserRow] | None:
    found = session.execute(
        select(TokenRow, UserRow)
        .join(UserRow, TokenRow.user_id == UserRow.id)
        .where(TokenRow.token_hash == hash_token(token))
    ).first()
    return None if found is None else (found[0], found[1])


def _live(token: TokenRow, user: UserRow) -> bool:
    expired = token.expires_at is not None and utcnow() >= token.expires_at
    return token.revoked is None and not expired and user.active


class UsersRepo(StoreBase):
    """Users, roles and tokens."""

    def add_user(
        self,
        name: str,
        role: Role,
        *,
        actor: str = "system",
        token_lifetime: timedelta | None = None,
    ) -> tuple[UserInfo, str]:
        """Create a user with a first token; the token is returned once and stored only hashed."""
        with self._write() as s:
            if s.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise ConflictError(f"user {name!r} already exists", user=name)
            row = UserRow(name=name, role=role, active=True, created=utcnow())
            s.add(row)
            s.flush()
            token = _new_token(s, row, token_lifetime)
            audit(s, actor, "user.add", "user", name, {"role": role})
            return user_info(row), token

    def get_user(self, name: str) -> UserInfo:
        with self._read() as s:
            return user_info(user_row(s, name))

    def list_users(self) -> list[UserInfo]:
        with self._read() as s:
            return [user_info(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    def set_user_active(self, name: str, active: bool, *, actor: str = "system") -> UserInfo:
        """Deactivate (or reactivate) a user; a deactivated user's tokens stop working."""
        with self._write() as s:
            row = user_row(s, name)
            row.active = active
            audit(s, actor, "user.activate" if active else "user.deactivate", "user", name)
            return user_info(row)

    def create_token(
        self, user: str, *, actor: str = "system", lifetime: timedelta | None = None
    ) -> str:
        """Issue another token for `user`; returned once, stored only as its sha256."""
        with self._write() as s:
            token = _new_token(s, user_row(s, user), lifetime)
            audit(s, actor, "token.create", "user", user)
            return token

    def rotate_token(self, token: str, *, lifetime: timedelta | None = None) -> str:
        """A new token for the owner of `token`, which is revoked in the same transaction."""
        with self._write() as s:
            found = _token_of(s, token)
            if found is None or not _live(found[0], found[1]):
                raise AuthError("invalid, expired or revoked token")
            old, user = found
            old.revoked = utcnow()
            _end_sessions(s, user.id)
            new = _new_token(s, user, lifetime)
            audit(s, user.name, "token.rotate", "user", user.name, {"token_id": old.id})
            return new

    def revoke_token(self, token: str, *, actor: str = "system") -> None:
        """Revoke a token (idempotent); NotFoundError if it was never issued."""
        with self._write() as s:
            found = s.execute(
                select(TokenRow, UserRow.name)
                .join(UserRow, TokenRow.user_id == UserRow.id)
                .where(TokenRow.token_hash == hash_token(token))
            ).first()
            if found is None:
                raise NotFoundError("unknown token")
            row, user = found
            if row.revoked is None:
                row.revoked = utcnow()
            _end_sessions(s, row.user_id)
            audit(s, actor, "token.revoke", "user", user, {"token_id": row.id})

    def authenticate(self, token: str) -> UserInfo:
        """The active user owning a live token; AuthError otherwise, never saying which part."""
        with self._read() as s:
            found = _token_of(s, token)
            if found is None or not _live(*found):
                raise _invalid_token()
            tok, user = found
        now = utcnow()
        if tok.last_used is None or now - tok.last_used > LAST_USED_PRECISION:
            # A separate short write, so the common authenticated read takes no write lock.
            with self._write() as s:
                s.execute(update(TokenRow).where(TokenRow.id == tok.id).values(last_used=now))
        return user_info(user)

    def get_user_language(self, name: str) -> str | None:
        """The interface language `name` chose (None: follow the browser)."""
        with self._read() as s:
            return user_row(s, name).lang

    def set_user_language(self, name: str, lang: str | None, *, actor: str = "system") -> None:
        """Remember `name`'s interface language; None forgets it."""
        if lang is not None and not _LANG.fullmatch(lang):
            raise InputError(f"not a language tag: {lang!r}", field="lang", value=lang)
        with self._write() as s:
            user_row(s, name).lang = lang
            audit(s, actor, "user.language", "user", name, {"lang": lang})


def _invalid_token() -> AuthError:
    # Never says whether the token is unknown, revoked or its user deactivated.
    message = "invalid, expired or revoked token"
    error = AuthError(message).translatable(message)
    assert isinstance(error, AuthError)
    return error


def _end_sessions(s: Session, user_id: int) -> None:
    """Revoking or rotating a token ends its owner's web sessions: a session opened with a
    leaked token must not outlive it (sessions do not record which token opened them)."""
    s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
