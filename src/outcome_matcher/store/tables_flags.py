"""Re-review flags: the one mutable fact about a decision, kept beside the append-only table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from outcome_matcher.store.tables import Base


class DecisionFlagRow(Base):
    """A decision whose outcome text, module or competency changed since it was made.

    The decisions table is append-only by the database (migration 0009), so the flag lives
    here; a newer decision on the link supersedes the flagged one and with it the flag.
    """

    __tablename__ = "decision_flags"
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    flagged: Mapped[datetime]
