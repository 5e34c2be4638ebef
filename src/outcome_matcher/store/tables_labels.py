"""Reviewed labels: a council's corrections of machine-translated labels, append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outcome_matcher.store.tables import Base


class LabelReviewRow(Base):
    """One reviewed label of (framework, competency, language); append-only (migration 0010).

    Like decisions, the competency is referenced by (framework name, uri), so a review
    survives a re-import of the framework; the highest version is the label in force.
    """

    __tablename__ = "label_reviews"
    __table_args__ = (
        # One row per label version: the database itself rejects a lost update.
        UniqueConstraint("framework", "competency_uri", "lang", "version"),
        Index("ix_label_reviews_framework", "framework"),
        CheckConstraint("version >= 1", name="version"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    framework: Mapped[str] = mapped_column(String(200))
    competency_uri: Mapped[str] = mapped_column(String(512))
    lang: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text)
    previous_label: Mapped[str] = mapped_column(Text)  # the label in force before this one
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created: Mapped[datetime]
    version: Mapped[int]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("label_reviews.id"))
