"""A programme against a standard: the coverage matrix and the review queue, from the store."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from outcome_matcher.levels import requirement_eqf
from outcome_matcher.retrieval.calibration import Calibration
from outcome_matcher.retrieval.matcher import CellScore, Matcher, ModuleOutcomes, group_by_module
from outcome_matcher.review.coverage import (
    Cell,
    Coverage,
    LinkVerdict,
    RequirementRef,
    build_cell,
    compute_coverage,
    signed_off,
)
from outcome_matcher.schemas import Competency, Standard, Unit
from outcome_matcher.store import Store
from outcome_matcher.store.public import DecisionPublic


@dataclass
class ProgrammeReview:
    """Everything the matrix, the queue and the reports show for one programme x standard."""

    programme: str
    catalogue: str | None
    framework: str
    standard: Standard
    modules: list[ModuleOutcomes]
    requirements: list[RequirementRef]
    scores: dict[tuple[str, str], CellScore]
    verdicts: dict[tuple[str, str], LinkVerdict]
    decisions: dict[tuple[str, str], DecisionPublic]
    coverage: Coverage
    calibration: Calibration | None
    four_eyes: bool = False

    def cell(self, module_code: str, competency_id: str) -> Cell:
        key = (module_code, competency_id)
        cell = build_cell(
            module_code,
            competency_id,
            self.scores.get(key),
            self.verdicts.get(key),
            self.coverage.threshold,
        )
        if cell.score is not None and self.calibration is not None:
            cell.confidence = self.calibration.confidence(cell.score)
        return cell

    def matrix(self) -> list[list[Cell]]:
        """Rows in requirement order (unit, essential first), columns in module order."""
        return [
            [self.cell(m.code, r.competency_id) for m in self.modules]
            for r in self.coverage.requirements
        ]


def requirement_refs(store: Store, framework: str, standard: Standard) -> list[RequirementRef]:
    ids = [r.competency_id for r in standard.requirements]
    competencies = {c.id: c for c in store.get_competencies(framework, ids)}
    units = {u.id: u for u in standard.units}
    refs = []
    for r in standard.requirements:
        c = competencies[r.competency_id]
        level, scale = _level_of(c, units.get(r.unit or c.unit or ""), standard)
        refs.append(
            RequirementRef(
                competency_id=r.competency_id,
                label=c.label,
                essential=r.essential,
                unit=r.unit,
                type=c.type,
                level=level,
                level_scale=scale,
                eqf=requirement_eqf(level, scale),
            )
        )
    return refs


def _level_of(
    competency: Competency, unit: Unit | None, standard: Standard
) -> tuple[str | None, str | None]:
    """The requirement's own level, else its unit's (an ОТФ's), else the standard's."""
    for holder in (competency, unit, standard):
        if holder is not None and holder.level:
            return holder.level, holder.level_scale
    return None, None


def load_review(
    store: Store,
    matcher: Matcher,
    *,
    programme: str,
    framework: str,
    standard: str,
    catalogue: str | None = None,
) -> ProgrammeReview:
    """Score every module against every requirement and lay the current decisions over it."""
    std = store.get_standard(framework, standard)
    modules = group_by_module(store.get_programme_outcomes(programme, catalogue))
    requirements = requirement_refs(store, framework, std)
    scores = matcher.score_programme(framework, modules, [r.competency_id for r in requirements])
    current = store.current_decisions(programme, framework, catalogue=catalogue)
    decisions = {(d.module, d.competency_id): d for d in current}
    four_eyes = store.standard_settings(framework, standard).four_eyes
    verdicts = _verdicts(store, decisions, programme, framework, catalogue, four_eyes)
    coverage = compute_coverage(
        requirements,
        [m.code for m in modules],
        scores,
        verdicts,
        threshold=matcher.threshold_of(framework),
    )
    for row in coverage.requirements:
        for cell in row.covering:
            if cell.score is not None:
                cell.confidence = matcher.confidence(cell.score, framework=framework)
    return ProgrammeReview(
        programme=programme,
        catalogue=catalogue,
        framework=framework,
        standard=std,
        modules=modules,
        requirements=requirements,
        scores=scores,
        verdicts=verdicts,
        decisions=decisions,
        coverage=coverage,
        calibration=matcher.calibration_of(framework),
        four_eyes=four_eyes,
    )


def _verdict(d: DecisionPublic, awaiting_second: bool = False) -> LinkVerdict:
    return LinkVerdict(d.verdict, d.relation, d.reviewer, d.version, awaiting_second)


def _verdicts(
    store: Store,
    decisions: dict[tuple[str, str], DecisionPublic],
    programme: str,
    framework: str,
    catalogue: str | None,
    four_eyes: bool,
) -> dict[tuple[str, str], LinkVerdict]:
    """Current verdicts; with four-eyes, those no second reviewer agrees with are marked."""
    if not four_eyes:
        return {key: _verdict(d) for key, d in decisions.items()}
    latest = latest_by_reviewer(store, programme, framework, catalogue)
    return {
        key: _verdict(d, not signed_off(_verdict(d), [_verdict(o) for o in latest[key]]))
        for key, d in decisions.items()
    }


def latest_by_reviewer(
    store: Store,
    programme: str,
    framework: str,
    catalogue: str | None = None,
    standard: str | None = None,
) -> dict[tuple[str, str], list[DecisionPublic]]:
    """Each reviewer's newest decision, per (module, competency) link; a reviewer whose newest
    decision is a withdrawal has no vote."""
    grouped: dict[tuple[str, str], list[DecisionPublic]] = defaultdict(list)
    found = store.reviewer_decisions(programme, framework, catalogue=catalogue, standard=standard)
    for d in found:
        if d.verdict == "withdrawn":
            continue
        grouped[(d.module, d.competency_id)].append(d)
    return grouped


def disagreements(
    store: Store,
    programme: str,
    framework: str,
    catalogue: str | None = None,
    standard: str | None = None,
) -> list[list[DecisionPublic]]:
    """Links whose reviewers' latest decisions differ in verdict or relation, for resolution."""
    return [
        found
        for found in latest_by_reviewer(store, programme, framework, catalogue, standard).values()
        if len({(d.verdict, d.relation) for d in found}) > 1
    ]


QueueReason = Literal["unreviewed", "second_review", "re_review"]


@dataclass(frozen=True)
class QueueItem:
    """One link for a reviewer to decide, with why it is in the queue."""

    cell: Cell
    requirement: RequirementRef
    module_title: str
    settles: bool  # deciding it settles whether the requirement is covered
    reason: QueueReason = "unreviewed"


def _queue_reason(review: ProgrammeReview, cell: Cell, floor: float) -> QueueReason | None:
    """Why a cell needs a reviewer, or None when it does not."""
    decision = review.decisions.get((cell.module_code, cell.competency_id))
    if decision is not None and decision.needs_review:
        return "re_review"
    if cell.status == "pending":
        return "second_review"
    if cell.status in ("confirmed", "partial", "rejected") or cell.score is None:
        return None
    return "unreviewed" if cell.score >= floor else None


def review_queue(review: ProgrammeReview, *, margin: float = 0.03) -> list[QueueItem]:
    """Links that need a reviewer: unreviewed first, those that settle most, then by score.

    Unreviewed links are those near or above the threshold; after them come links waiting
    for a second reviewer (four-eyes) and decisions flagged for re-review. A link settles its
    requirement when no decision covers the requirement yet; essential requirements come
    before optional ones, then higher scores (so higher confidence) first.
    """
    titles = {m.code: m.title for m in review.modules}
    refs = {r.competency_id: r for r in review.requirements}
    floor = review.coverage.threshold - margin
    items: list[QueueItem] = []
    for row in review.coverage.requirements:
        for code, title in titles.items():
            cell = review.cell(code, row.competency_id)
            reason = _queue_reason(review, cell, floor)
            if reason is not None:
                settles = row.status != "confirmed"
                items.append(QueueItem(cell, refs[row.competency_id], title, settles, reason))
    order = {"unreviewed": 0, "second_review": 1, "re_review": 2}
    return sorted(
        items,
        key=lambda i: (
            order[i.reason],
            not i.settles,
            not i.requirement.essential,
            -(i.cell.score or 0.0),
        ),
    )
