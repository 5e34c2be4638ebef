"""Persistence: SQLAlchemy tables, Alembic migrations and the Store facade over repositories."""

from outcome_matcher.store.migrate import downgrade, upgrade
from outcome_matcher.store.public import (
    AuditEntry,
    CatalogueImport,
    CatalogueInfo,
    DecisionCreate,
    DecisionPublic,
    FrameworkInfo,
    ImportCounts,
    JobInfo,
    OutcomeRef,
    ProgrammeInfo,
    Relation,
    Role,
    StandardInfo,
    SuggestionRecord,
    SuggestionRunInfo,
    UserInfo,
    Verdict,
)
from outcome_matcher.store.store import Store

__all__ = [
    "AuditEntry",
    "CatalogueImport",
    "CatalogueInfo",
    "DecisionCreate",
    "DecisionPublic",
    "FrameworkInfo",
    "ImportCounts",
    "JobInfo",
    "OutcomeRef",
    "ProgrammeInfo",
    "Relation",
    "Role",
    "StandardInfo",
    "Store",
    "SuggestionRecord",
    "SuggestionRunInfo",
    "UserInfo",
    "Verdict",
    "downgrade",
    "upgrade",
]
