"""Coverage of a standard by a programme: decisions first, then suggestions above the threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from outcome_matcher.retrieval.matcher import CellScore

# "pending": accepted by one reviewer where the standard needs a second (four-eyes sign-off).
CellStatus = Literal["confirmed", "partial", "pending", "suggested", "rejected", "none"]
RequirementStatus = Literal["confirmed", "suggested", "gap"]
Verdict = Literal["accepted", "rejected", "partial", "withdrawn"]
_COVERING: frozenset[str] = frozenset({"confirmed", "partial", "pending", "suggested"})
_VERDICT_STATUS: dict[str, CellStatus] = {
    "accepted": "confirmed",
    "partial": "partial",
    "rejected": "rejected",
}


@dataclass(frozen=True)
class RequirementRef:
    """A requirement as coverage sees it."""

    competency_id: str
    label: str
    essential: bool
    unit: str | None = None
    type: str | None = None
    # As the standard writes it, on its scale (e.g. "6" on ru_nqf), and referenced to the EQF.
    level: str | None = None
    level_scale: str | None = None
    eqf: int | None = None


@dataclass(frozen=True)
class LinkVerdict:
    """The current decision on a module-competency link."""

    verdict: Verdict
    relation: str | None = None
    reviewer: str | None = None
    version: int = 0
    awaiting_second: bool = False  # four-eyes: no second reviewer agrees yet


def signed_off(current: LinkVerdict, latest_by_reviewer: Sequence[LinkVerdict]) -> bool:
    """Four-eyes: the current verdict stands when two different reviewers' latest verdicts agree."""
    agreeing = {
        v.reviewer
        for v in latest_by_reviewer
        if (v.verdict, v.relation) == (current.verdict, current.relation)
    }
    return len(agreeing | {current.reviewer}) >= 2


class Cell(BaseModel):
    module_code: str
    competency_id: str
    status: CellStatus
    score: float | None = None
    confidence: float | None = None
    outcome_id: str | None = None
    outcome_text: str | None = None
    evidence: str | None = None
    relation: str | None = None
    reviewer: str | None = None
    version: int = 0


class RequirementCoverage(BaseModel):
    competency_id: str
    label: str
    essential: bool
    unit: str | None
    type: str | None
    status: RequirementStatus
    covering: list[Cell]
    over_covered: bool
    level: str | None = None
    level_scale: str | None = None
    eqf: int | None = None


class Summary(BaseModel):
    essential: int
    optional: int
    essential_confirmed: int
    essential_suggested: int
    optional_confirmed: int
    optional_suggested: int

    @property
    def essential_covered_share(self) -> float:
        return (self.essential_confirmed + self.essential_suggested) / max(self.essential, 1)


class Coverage(BaseModel):
    threshold: float
    requirements: list[RequirementCoverage]
    summary: Summary

    def gaps(self) -> list[RequirementCoverage]:
        """Uncovered requirements, essential first."""
        missing = [r for r in self.requirements if r.status == "gap"]
        return sorted(missing, key=lambda r: (not r.essential, r.unit or "", r.label))


def cell_status(score: float | None, verdict: LinkVerdict | None, threshold: float) -> CellStatus:
    """A reviewer's verdict always wins over the machine's score; a withdrawn link is undecided."""
    if verdict is not None and verdict.verdict != "withdrawn":
        if verdict.awaiting_second and verdict.verdict != "rejected":
            return "pending"
        return _VERDICT_STATUS[verdict.verdict]
    if score is not None and score >= threshold:
        return "suggested"
    return "none"


def compute_coverage(
    requirements: Sequence[RequirementRef],
    module_codes: Sequence[str],
    scores: Mapping[tuple[str, str], CellScore],
    verdicts: Mapping[tuple[str, str], LinkVerdict],
    *,
    threshold: float,
    over_covered_at: int = 4,
) -> Coverage:
    """Per requirement, the covering modules and a status; per standard, a summary."""
    rows = [
        _requirement(req, module_codes, scores, verdicts, threshold, over_covered_at)
        for req in _ordered(requirements)
    ]
    return Coverage(threshold=threshold, requirements=rows, summary=_summary(rows))


def build_cell(
    module_code: str,
    competency_id: str,
    score: CellScore | None,
    verdict: LinkVerdict | None,
    threshold: float,
) -> Cell:
    return Cell(
        module_code=module_code,
        competency_id=competency_id,
        status=cell_status(score.score if score else None, verdict, threshold),
        score=score.score if score else None,
        outcome_id=score.outcome_id if score else None,
        outcome_text=score.outcome_text if score else None,
        evidence=score.evidence if score else None,
        relation=verdict.relation if verdict else None,
        reviewer=verdict.reviewer if verdict and verdict.verdict != "withdrawn" else None,
        # A withdrawn link keeps its version: the next decision must supersede the withdrawal.
        version=verdict.version if verdict else 0,
    )


def _requirement(
    req: RequirementRef,
    module_codes: Sequence[str],
    scores: Mapping[tuple[str, str], CellScore],
    verdicts: Mapping[tuple[str, str], LinkVerdict],
    threshold: float,
    over_covered_at: int,
) -> RequirementCoverage:
    cells = [
        build_cell(
            code,
            req.competency_id,
            scores.get((code, req.competency_id)),
            verdicts.get((code, req.competency_id)),
            threshold,
        )
        for code in module_codes
    ]
    covering = sorted(
        (c for c in cells if c.status in _COVERING),
        key=lambda c: (c.status not in ("confirmed", "partial"), -(c.score or 0.0)),
    )
    status: RequirementStatus = "gap"
    if any(c.status in ("confirmed", "partial") for c in covering):
        status = "confirmed"
    elif covering:
        status = "suggested"
    return RequirementCoverage(
        competency_id=req.competency_id,
        label=req.label,
        essential=req.essential,
        unit=req.unit,
        type=req.type,
        level=req.level,
        level_scale=req.level_scale,
        eqf=req.eqf,
        status=status,
        covering=covering,
        over_covered=len(covering) >= over_covered_at,
    )


def _ordered(requirements: Sequence[RequirementRef]) -> list[RequirementRef]:
    """Grouped by unit, essential first, then by label: the order reviewers read."""
    return sorted(requirements, key=lambda r: (r.unit or "", not r.essential, r.label.casefold()))


def _summary(rows: list[RequirementCoverage]) -> Summary:
    def count(essential: bool, status: str | None = None) -> int:
        return sum(1 for r in rows if r.essential == essential and status in (None, r.status))

    return Summary(
        essential=count(True),
        optional=count(False),
        essential_confirmed=count(True, "confirmed"),
        essential_suggested=count(True, "suggested"),
        optional_confirmed=count(False, "confirmed"),
        optional_suggested=count(False, "suggested"),
    )
