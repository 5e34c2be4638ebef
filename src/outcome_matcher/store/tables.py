"""SQLAlchemy 2 declarative tables; migrations/versions must mirror every change made here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names on every backend, so later migrations can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = ("active", "removed")
ROLES = ("admin", "designer", "reviewer", "auditor")
# "withdrawn" returns a link to undecided while its history stays (migration 0006).
VERDICTS = ("accepted", "rejected", "partial", "withdrawn")
RELATIONS = ("exact", "close", "broad", "narrow", "related")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps; SQLite drops the zone, so it is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as such (for executemany inserts)."""
    return cast(Table, model.__table__)


def _id() -> Mapped[int]:
    return mapped_column(primary_key=True)


def _fk(target: str, *, index: bool = True) -> Mapped[int]:
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), index=index)


class FrameworkRow(Base):
    __tablename__ = "frameworks"
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    index_fingerprint: Mapped[str | None] = mapped_column(String(200))
    created: Mapped[datetime]


class CompetencyRow(Base):
    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("framework_id", "uri"),)
    id: Mapped[int] = _id()
    framework_id: Mapped[int] = _fk("frameworks.id", index=False)  # the unique index covers it
    position: Mapped[int]
    uri: Mapped[str] = mapped_column(String(512))
    label: Mapped[str] = mapped_column(Text)
    alt_labels: Mapped[list[str]]
    hidden_labels: Mapped[list[str]]
    description: Mapped[str] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(20))
    reuse_level: Mapped[str | None] = mapped_column(String(100))
    broader: Mapped[list[str]]
    labels_by_lang: Mapped[dict[str, Any]]


class StandardRow(Base):
    __tablename__ = "standards"
    __table_args__ = (UniqueConstraint("framework_id", "key"),)
    id: Mapped[int] = _id()
    framework_id: Mapped[int] = _fk("frameworks.id", index=False)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(512))
    label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class RequirementRow(Base):
    __tablename__ = "requirements"
    id: Mapped[int] = _id()
    standard_id: Mapped[int] = _fk("standards.id")
    position: Mapped[int]
    competency_uri: Mapped[str] = mapped_column(String(512))
    essential: Mapped[bool]
    unit: Mapped[str | None] = mapped_column(String(200))


class CatalogueRow(Base):
    __tablename__ = "catalogues"
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    institution: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(100))
    created: Mapped[datetime]
    updated: Mapped[datetime]


class ProgrammeRow(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        UniqueConstraint("catalogue_id", "code"),
        CheckConstraint(_in("status", STATUSES), name="status"),
    )
    id: Mapped[int] = _id()
    catalogue_id: Mapped[int] = _fk("catalogues.id", index=False)
    code: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(100))
    lang: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))


class ModuleRow(Base):
    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint(_in("status", STATUSES), name="status"),
    )
    id: Mapped[int] = _id()
    programme_id: Mapped[int] = _fk("programmes.id", index=False)
    code: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    credits: Mapped[float | None]
    level: Mapped[str | None] = mapped_column(String(100))
    lang: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))


class OutcomeRow(Base):
    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("module_id", "key"),
        CheckConstraint(_in("status", STATUSES), name="status"),
    )
    id: Mapped[int] = _id()
    module_id: Mapped[int] = _fk("modules.id", index=False)
    key: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(20))
    bloom_level: Mapped[int | None]
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))
    # knowledge / skill / mastery (знать / уметь / владеть) where the catalogue says (0004).
    kind: Mapped[str | None] = mapped_column(String(20))


class SuggestionRunRow(Base):
    __tablename__ = "suggestion_runs"
    id: Mapped[int] = _id()
    model_fingerprint: Mapped[str] = mapped_column(String(200))
    framework: Mapped[str] = mapped_column(String(200), index=True)
    framework_version: Mapped[str] = mapped_column(String(100))
    catalogue: Mapped[str | None] = mapped_column(String(200))
    thresholds: Mapped[dict[str, Any]]
    params: Mapped[dict[str, Any]]
    created: Mapped[datetime]


class SuggestionRow(Base):
    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_module_run", "module_id", "run_id"),)
    id: Mapped[int] = _id()
    run_id: Mapped[int] = _fk("suggestion_runs.id")
    module_id: Mapped[int] = _fk("modules.id", index=False)
    outcome_id: Mapped[int] = _fk("outcomes.id")
    rank: Mapped[int]
    competency_uri: Mapped[str] = mapped_column(String(512))
    score: Mapped[float]
    confidence: Mapped[float | None]
    evidence: Mapped[str] = mapped_column(Text)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool]
    created: Mapped[datetime]
    lang: Mapped[str | None] = mapped_column(String(16), default=None)  # interface language


class TokenRow(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = _id()
    user_id: Mapped[int] = _fk("users.id")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex, never the token
    created: Mapped[datetime]
    last_used: Mapped[datetime | None]
    revoked: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # None: issued before expiry existed, or never expires


class DecisionRow(Base):
    """Append-only, enforced by triggers (migration 0009); re-review flags are in decision_flags."""

    __tablename__ = "decisions"
    __table_args__ = (
        # One row per link version: the database itself rejects a lost update.
        UniqueConstraint("module_id", "framework", "competency_uri", "version"),
        Index("ix_decisions_framework_competency", "framework", "competency_uri"),
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
        CheckConstraint(f"relation IS NULL OR {_in('relation', RELATIONS)}", name="relation"),
        CheckConstraint("version >= 1", name="version"),
    )
    id: Mapped[int] = _id()
    module_id: Mapped[int] = _fk("modules.id", index=False)
    # The competency is referenced by (framework name, uri): it survives framework re-imports.
    framework: Mapped[str] = mapped_column(String(200))
    competency_uri: Mapped[str] = mapped_column(String(512))
    evidence_outcome_key: Mapped[str | None] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(10))
    relation: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created: Mapped[datetime]
    version: Mapped[int]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))


class AuditRow(Base):
    """Append-only log of every write (enforced by triggers, migration 0009)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_key"),)
    id: Mapped[int] = _id()
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(String(512))
    detail: Mapped[dict[str, Any]]


class StandardSettingRow(Base):
    """Per-standard review policy, keyed by names so it survives framework re-imports."""

    __tablename__ = "standard_settings"
    __table_args__ = (UniqueConstraint("framework", "standard_key"),)
    id: Mapped[int] = _id()
    framework: Mapped[str] = mapped_column(String(200))
    standard_key: Mapped[str] = mapped_column(String(512))
    four_eyes: Mapped[bool]
    updated: Mapped[datetime]
