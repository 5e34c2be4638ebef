"""Tables for occupational-standard structure: competency texts and scales, units, levels."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outcome_matcher.store.tables import Base


class CompetencyTextRow(Base):
    """A typed text of a competency (labour action, skill, knowledge, other)."""

    __tablename__ = "competency_texts"
    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)


class CompetencyScaleRow(Base):
    """The scale a competency's level is on (kept out of `competencies`, which stays as is)."""

    __tablename__ = "competency_scales"
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level_scale: Mapped[str] = mapped_column(String(50))


class StandardLevelRow(Base):
    """A standard's own level, e.g. the level of an ОТФ audited as a standard."""

    __tablename__ = "standard_levels"
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str | None] = mapped_column(String(100))
    level_scale: Mapped[str | None] = mapped_column(String(50))


class UnitRow(Base):
    """A unit of a standard: an ОТФ (or, at the finer grain, a ТФ) with its attributes."""

    __tablename__ = "standard_units"
    __table_args__ = (UniqueConstraint("standard_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(100))
    level_scale: Mapped[str | None] = mapped_column(String(50))
    parent: Mapped[str | None] = mapped_column(String(200))
    job_titles: Mapped[list[str]]
    education: Mapped[list[str]]
    experience: Mapped[list[str]]
    conditions: Mapped[list[str]]
    isco_codes: Mapped[list[str]]
    isco_edition: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
