"""Browser sessions: created at login, checked on every page, deleted at logout."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from outcome_matcher.errors import AuthError
from outcome_matcher.store.base import StoreBase, audit
from outcome_matcher.store.public import UserInfo
from outcome_matcher.store.tables import UserRow, utcnow
from outcome_matcher.store.tables_sessions import SessionRow
from outcome_matcher.store.users import LAST_USED_PRECISION, hash_token, user_info, user_row


class SessionsRepo(StoreBase):
    """Server-side sessions: the cookie holds a random id, the table only its sha256."""

    def create_session(self, user: str, *, lifetime: timedelta) -> str:
        """A new session for `user`, ending `lifetime` from now at the latest; the id once."""
        session_id = secrets.token_urlsafe(32)  # 32 random bytes
        now = utcnow()
        with self._write() as s:
            row = user_row(s, user)
            s.add(
                SessionRow(
                    user_id=row.id,
                    session_hash=hash_token(session_id),
                    created=now,
                    last_seen=now,
                    expires=now + lifetime,
                )
            )
            audit(s, user, "session.login", "user", user)
        return session_id

    def session_user(self, session_id: str, *, idle: timedelta) -> UserInfo:
        """The active user of a live session; AuthError when unknown, expired or idle too long."""
        now = utcnow()
        with self._read() as s:
            found = s.execute(
                select(SessionRow, UserRow)
                .join(UserRow, SessionRow.user_id == UserRow.id)
                .where(SessionRow.session_hash == hash_token(session_id))
            ).first()
            if found is None:
                raise AuthError("unknown or ended session")
            row, user = found
            if now >= row.expires or now - row.last_seen > idle or not user.active:
                raise AuthError("unknown or ended session")
        if now - row.last_seen > LAST_USED_PRECISION:
            with self._write() as s:
                s.execute(update(SessionRow).where(SessionRow.id == row.id).values(last_seen=now))
        return user_info(user)

    def end_session(self, session_id: str) -> None:
        """Delete the session (idempotent): its cookie stops working at once."""
        with self._write() as s:
            s.execute(delete(SessionRow).where(SessionRow.session_hash == hash_token(session_id)))

    def end_stale_sessions(self, *, idle: timedelta) -> int:
        """Delete expired and idle sessions; the number deleted."""
        now = utcnow()
        with self._write() as s:
            result = s.execute(
                delete(SessionRow).where(
                    (SessionRow.expires <= now) | (SessionRow.last_seen < now - idle)
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
