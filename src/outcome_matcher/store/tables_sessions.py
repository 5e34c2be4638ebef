"""Browser sessions: a random id in the cookie, only its sha256 here; logout deletes the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from outcome_matcher.store.tables import Base, _fk, _id


class SessionRow(Base):
    """One logged-in browser; ends at `expires` (absolute) or when unused too long (idle)."""

    __tablename__ = "sessions"
    id: Mapped[int] = _id()
    user_id: Mapped[int] = _fk("users.id")
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the id
    created: Mapped[datetime]
    last_seen: Mapped[datetime]
    expires: Mapped[datetime]
