"""The report's data: what every renderer (HTML, XLSX, CSV, JSON, pictures) shows."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from outcome_matcher.review.coverage import CellStatus, RequirementStatus

SignOff = Literal["complete", "in progress", "not started"]
LevelCheck = Literal["ok", "lower", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReviewerCount(_Model):
    reviewer: str
    decisions: int
    accepted: int
    rejected: int
    partial: int


class Provenance(_Model):
    """Where the numbers come from: model, framework, thresholds, date, reviewers."""

    programme: str
    programme_title: str
    catalogue: str | None
    framework: str
    framework_version: str
    standard_id: str
    standard_label: str
    model_name: str
    model_fingerprint: str
    index_fingerprint: str | None
    threshold: float
    calibrated: bool
    four_eyes: bool
    generated: datetime
    level_rule: str
    reviewers: tuple[ReviewerCount, ...] = ()


class Share(_Model):
    """Counts and shares for one group of requirements (essential or optional)."""

    total: int
    confirmed: int
    suggested: int
    gaps: int
    covered_share: float
    confirmed_share: float
    suggested_share: float

    @classmethod
    def of(cls, total: int, confirmed: int, suggested: int) -> Share:
        def share(count: int) -> float:
            return count / total if total else 0.0

        return cls(
            total=total,
            confirmed=confirmed,
            suggested=suggested,
            gaps=total - confirmed - suggested,
            covered_share=share(confirmed + suggested),
            confirmed_share=share(confirmed),
            suggested_share=share(suggested),
        )


class ReportSummary(_Model):
    essential: Share
    optional: Share
    over_covered: int
    lower_level: int
    sign_off: SignOff
    needs_review: int
    pending: int  # links accepted once that await a second reviewer (four-eyes)


class Evidence(_Model):
    """One module covering a requirement, with its best outcome and its Bloom level."""

    module: str
    module_title: str
    status: CellStatus
    score: float | None
    confidence: float | None
    outcome: str | None
    relation: str | None
    reviewer: str | None
    bloom_level: int | None
    bloom_probabilities: tuple[float, ...]
    p_lower: float | None
    level_check: LevelCheck


class RequirementReport(_Model):
    competency_id: str
    label: str
    essential: bool
    unit: str | None
    type: str | None
    level: str | None
    expected_bloom: int | None
    # The scale `level` is on (ru_nqf ...) and its EQF level, which the level check compares.
    level_scale: str | None = None
    eqf: int | None = None
    status: RequirementStatus
    over_covered: bool
    evidence: tuple[Evidence, ...]
    level_check: LevelCheck
    p_lower: float | None


class MatrixCell(_Model):
    status: CellStatus
    score: float | None


class ModuleRef(_Model):
    code: str
    title: str


class Report(_Model):
    """A programme audited against a standard."""

    kind: Literal["programme"] = "programme"
    provenance: Provenance
    summary: ReportSummary
    modules: tuple[ModuleRef, ...]
    requirements: tuple[RequirementReport, ...]
    matrix: tuple[tuple[MatrixCell, ...], ...]

    def gaps(self) -> list[RequirementReport]:
        """Uncovered requirements, essential first, in unit order."""
        missing = [r for r in self.requirements if r.status == "gap"]
        return sorted(missing, key=lambda r: (not r.essential, r.unit or "", r.label.casefold()))

    def over_covered(self) -> list[RequirementReport]:
        return [r for r in self.requirements if r.over_covered]

    def lower_level(self) -> list[RequirementReport]:
        return [r for r in self.requirements if r.level_check == "lower"]
