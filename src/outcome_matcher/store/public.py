"""Pydantic types the store returns and accepts (beyond schemas.py): infos, imports, decisions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from outcome_matcher.schemas import MAX_DB_INT, FrameworkFormat, OutcomeKind
from outcome_matcher.schemas.labels import ReviewableLang

Role = Literal["admin", "designer", "reviewer", "auditor"]
# "withdrawn" returns a link to undecided (undo of its first decision); history stays.
Verdict = Literal["accepted", "rejected", "partial", "withdrawn"]
Relation = Literal["exact", "close", "broad", "narrow", "related"]
Status = Literal["active", "removed"]

# Roles that may record decisions; auditors only read.
DECIDING_ROLES: tuple[Role, ...] = ("admin", "designer", "reviewer")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class FrameworkInfo(_Out):
    name: str
    version: str
    format: FrameworkFormat
    source: str
    n_competencies: int
    n_standards: int
    index_fingerprint: str | None
    created: datetime


class StandardInfo(_Out):
    key: str
    label: str
    n_essential: int
    n_optional: int


class ImportCounts(_Out):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


class CatalogueImport(_Out):
    """What one catalogue (re-)import did; `flagged_decisions` were marked for re-review."""

    catalogue: str
    programmes: ImportCounts
    modules: ImportCounts
    outcomes: ImportCounts
    flagged_decisions: int = 0

    def summary(self, words: Mapping[str, str] | None = None) -> str:
        """One line for people: what changed at each level (`words`: the names, translated)."""
        name = {**SUMMARY_WORDS, **(words or {})}

        def part(label: str, c: ImportCounts) -> str:
            return f"{name[label]} +{c.added} ~{c.updated} ={c.unchanged} -{c.removed}"

        text = ", ".join(
            (
                part("programmes", self.programmes),
                part("modules", self.modules),
                part("outcomes", self.outcomes),
            )
        )
        flagged = f"; {name['flagged'] % {'num': self.flagged_decisions}}"
        return f"{self.catalogue}: {text}" + (flagged if self.flagged_decisions else "")


# The English words of CatalogueImport.summary; the CLI passes them translated.
SUMMARY_WORDS: dict[str, str] = {
    "programmes": "programmes",
    "modules": "modules",
    "outcomes": "outcomes",
    "flagged": "%(num)s decision(s) flagged for re-review",
}


class CatalogueInfo(_Out):
    name: str
    institution: str
    version: str
    n_programmes: int
    created: datetime
    updated: datetime


class ProgrammeInfo(_Out):
    catalogue: str
    code: str
    title: str
    level: str | None
    lang: str | None
    n_modules: int


class OutcomeRef(_Out):
    """An outcome with the module and programme it belongs to."""

    outcome_id: str
    text: str
    lang: str | None
    bloom_level: int | None
    kind: OutcomeKind | None = None  # knowledge (знать), skill (уметь), mastery (владеть)
    status: Status
    module_code: str
    module_title: str
    programme_code: str
    catalogue: str


class SuggestionRunInfo(_Out):
    id: int
    model_fingerprint: str
    framework: str
    framework_version: str
    catalogue: str | None
    thresholds: dict[str, Any]
    params: dict[str, Any]
    created: datetime


class SuggestionRecord(_Out):
    """A stored suggestion with its context; `label` is "" if the competency left the framework."""

    run_id: int
    programme_code: str
    module_code: str
    outcome_id: str
    outcome_text: str
    competency_id: str
    label: str
    rank: int
    score: float
    confidence: float | None
    evidence: str


class UserInfo(_Out):
    name: str
    role: Role
    active: bool = True
    lang: str | None = None  # the interface language the user chose (None: follow the client)


class DecisionCreate(BaseModel):
    """A reviewer's verdict on a module–competency link, as submitted."""

    model_config = ConfigDict(extra="forbid")

    programme: str
    module: str
    catalogue: str | None = Field(default=None, description="needed when programme codes clash")
    framework: str
    competency_id: str
    verdict: Verdict
    relation: Relation | None = Field(
        default=None, description="required unless rejected; none when withdrawn"
    )
    reason: str = ""
    evidence_outcome: str | None = Field(default=None, description="outcome key of the module")
    expected_version: int = Field(
        ge=0, le=MAX_DB_INT, description="the link version the reviewer saw; 0 when there was none"
    )

    @model_validator(mode="after")
    def _relation_unless_rejected(self) -> DecisionCreate:
        if self.verdict == "withdrawn":
            if self.relation is not None or self.evidence_outcome is not None:
                raise ValueError("a withdrawal has no relation and no evidence outcome")
            return self
        if self.verdict != "rejected" and self.relation is None:
            raise ValueError(f"a {self.verdict} link needs a relation (exact, close, ...)")
        return self


class DecisionPublic(_Out):
    id: int
    catalogue: str
    programme: str
    module: str
    framework: str
    competency_id: str
    verdict: Verdict
    relation: Relation | None
    reason: str
    evidence_outcome: str | None
    reviewer: str
    created: datetime
    version: int
    supersedes: int | None
    needs_review: bool
    review_reason: str | None


# A reviewed label is one line of text; a reason says why the machine one was wrong.
MAX_LABEL_CHARS = 300
MAX_REASON_CHARS = 2000


class LabelReviewCreate(BaseModel):
    """A council's corrected label for a competency in one language, as submitted."""

    model_config = ConfigDict(extra="forbid")

    framework: str = Field(max_length=200)
    competency_id: str = Field(max_length=512)
    lang: ReviewableLang = Field(description="uz is Uzbek in Latin script")
    label: str = Field(min_length=1, max_length=MAX_LABEL_CHARS)
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS)
    expected_version: int = Field(
        ge=0,
        le=MAX_DB_INT,
        description="the label's review version the reviewer saw; 0 when never reviewed",
    )

    @field_validator("label", "reason")
    @classmethod
    def _not_blank(cls, value: str, info: ValidationInfo) -> str:
        # A label is one line: runs of spaces and line breaks become one space.
        cleaned = " ".join(value.split()) if info.field_name == "label" else value.strip()
        if not cleaned:
            raise ValueError(f"the {info.field_name} is blank")
        return cleaned


class LabelReviewPublic(_Out):
    """One row of a label's history: who replaced which label by which, when and why."""

    id: int
    framework: str
    competency_id: str
    lang: str
    label: str
    previous_label: str
    reason: str
    reviewer: str
    created: datetime
    version: int
    supersedes: int | None


class AuditEntry(_Out):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: dict[str, Any]


class StandardSettings(BaseModel):
    """A standard's review policy: with four_eyes, a link is confirmed once two reviewers agree."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: str
    standard: str
    four_eyes: bool = False


class DecisionImportResult(_Out):
    """What a mapping-table import did: new decisions recorded and rows already in force."""

    imported: int
    unchanged: int
    decisions: list[DecisionPublic]


class JobInfo(_Out):
    """A long-running job as stored: what was asked, by whom, how far it got, how it ended."""

    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    created_by: str
    params: dict[str, Any]
    progress: float
    counts: dict[str, Any]
    error: str | None
    created: datetime
    updated: datetime
    heartbeat: datetime
