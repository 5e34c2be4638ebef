"""Version diff: two versions of a catalogue against one standard, coverage gained and lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from outcome_matcher.errors import InputError
from outcome_matcher.reports.build import build_report
from outcome_matcher.reports.data import Report, ReportSummary
from outcome_matcher.reports.sector import ProgrammeRef
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.coverage import RequirementStatus
from outcome_matcher.store import Store

Change = Literal["gained", "lost", "strengthened", "weakened", "unchanged"]
_RANK: dict[str, int] = {"gap": 0, "suggested": 1, "confirmed": 2}


class DiffRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    competency_id: str
    label: str
    essential: bool
    unit: str | None
    old_status: RequirementStatus
    new_status: RequirementStatus
    change: Change
    old_modules: tuple[str, ...]
    new_modules: tuple[str, ...]


class DiffSide(BaseModel):
    model_config = ConfigDict(frozen=True)

    catalogue: str | None
    programme: str
    title: str
    summary: ReportSummary


class DiffReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["diff"] = "diff"
    framework: str
    framework_version: str
    standard_id: str
    standard_label: str
    model_fingerprint: str
    generated: datetime
    old: DiffSide
    new: DiffSide
    rows: tuple[DiffRow, ...]

    def changed(self, change: Change) -> list[DiffRow]:
        return [r for r in self.rows if r.change == change]


def change_of(old: RequirementStatus, new: RequirementStatus) -> Change:
    """Gained/lost when a requirement becomes covered/uncovered; else whether review moved."""
    if (old == "gap") != (new == "gap"):
        return "gained" if old == "gap" else "lost"
    if _RANK[new] == _RANK[old]:
        return "unchanged"
    return "strengthened" if _RANK[new] > _RANK[old] else "weakened"


def build_diff(
    store: Store,
    matcher: Matcher,
    *,
    framework: str,
    standard: str,
    old: ProgrammeRef,
    new: ProgrammeRef,
    now: datetime | None = None,
) -> DiffReport:
    now = now or datetime.now(UTC)
    before, after = (
        build_report(
            store,
            matcher,
            programme=ref.programme,
            framework=framework,
            standard=standard,
            catalogue=ref.catalogue,
            now=now,
        )
        for ref in (old, new)
    )
    return diff_reports(before, after)


def _side(report: Report) -> DiffSide:
    p = report.provenance
    return DiffSide(
        catalogue=p.catalogue,
        programme=p.programme,
        title=p.programme_title,
        summary=report.summary,
    )


def diff_reports(old: Report, new: Report) -> DiffReport:
    """Requirement by requirement; both reports are against the same standard."""
    if old.provenance.standard_id != new.provenance.standard_id:
        raise InputError("a diff compares two versions against the same standard")
    after = {r.competency_id: r for r in new.requirements}
    rows = []
    for before in old.requirements:
        now = after[before.competency_id]
        rows.append(
            DiffRow(
                competency_id=before.competency_id,
                label=before.label,
                essential=before.essential,
                unit=before.unit,
                old_status=before.status,
                new_status=now.status,
                change=change_of(before.status, now.status),
                old_modules=tuple(e.module for e in before.evidence),
                new_modules=tuple(e.module for e in now.evidence),
            )
        )
    p = new.provenance
    return DiffReport(
        framework=p.framework,
        framework_version=p.framework_version,
        standard_id=p.standard_id,
        standard_label=p.standard_label,
        model_fingerprint=p.model_fingerprint,
        generated=p.generated,
        old=_side(old),
        new=_side(new),
        rows=tuple(rows),
    )
