"""A programme against a standard: coverage, the matrix, the review queue and disagreements."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from outcome_matcher.api.deps import CurrentUser, MatcherDep, StoreDep
from outcome_matcher.coverage import Cell, Coverage, RequirementCoverage
from outcome_matcher.review import (
    ProgrammeReview,
    QueueItem,
    QueueReason,
    disagreements,
    load_review,
    review_queue,
)
from outcome_matcher.review_rules import Band, confidence_band
from outcome_matcher.store.models_public import DecisionPublic

router = APIRouter(prefix="/programmes/{programme}", tags=["review"])
Framework = Annotated[str, Query(description="name of an imported framework")]
StandardKey = Annotated[str, Query(description="key of a standard of that framework")]
Catalogue = Annotated[str | None, Query(description="needed when programme codes clash")]


def get_review(
    programme: str,
    framework: Framework,
    standard: StandardKey,
    store: StoreDep,
    matcher: MatcherDep,
    user: CurrentUser,
    catalogue: Catalogue = None,
) -> ProgrammeReview:
    """The programme x standard review that the coverage, matrix and queue routes share."""
    return load_review(
        store,
        matcher,
        programme=programme,
        framework=framework,
        standard=standard,
        catalogue=catalogue,
    )


ReviewDep = Annotated[ProgrammeReview, Depends(get_review)]


class CoverageOut(Coverage):
    programme: str
    framework: str
    standard: str
    four_eyes: bool


class ModuleRef(BaseModel):
    code: str
    title: str


class MatrixOut(BaseModel):
    """Rows follow `requirements`, columns follow `modules`."""

    modules: list[ModuleRef]
    requirements: list[RequirementCoverage]
    cells: list[list[Cell]]


class QueueItemOut(BaseModel):
    reason: QueueReason
    settles: bool
    band: Band | None
    module_title: str
    requirement_label: str
    essential: bool
    unit: str | None
    cell: Cell


class Disagreement(BaseModel):
    module: str
    competency_id: str
    decisions: list[DecisionPublic]


@router.get("/coverage")
def get_coverage(
    programme: str, framework: Framework, standard: StandardKey, review: ReviewDep
) -> CoverageOut:
    """Summary and per-requirement status with the covering cells (decisions first)."""
    return CoverageOut(
        **dict(review.coverage),
        programme=programme,
        framework=framework,
        standard=standard,
        four_eyes=review.four_eyes,
    )


@router.get("/matrix")
def get_matrix(review: ReviewDep) -> MatrixOut:
    """Requirements x modules, each cell with its status, score and evidence."""
    return MatrixOut(
        modules=[ModuleRef(code=m.code, title=m.title) for m in review.modules],
        requirements=review.coverage.requirements,
        cells=review.matrix(),
    )


@router.get("/review-queue")
def get_review_queue(
    review: ReviewDep,
    matcher: MatcherDep,
    filter: Literal["unreviewed", "low_confidence"] | None = None,
    module: str | None = None,
    unit: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[QueueItemOut]:
    """Links to decide: unreviewed first, by how much they settle and by confidence."""
    items = [_item_out(i, matcher) for i in review_queue(review)]
    kept = [
        i
        for i in items
        if (module is None or i.cell.module_code == module)
        and (unit is None or i.unit == unit)
        and (filter != "unreviewed" or i.reason == "unreviewed")
        and (filter != "low_confidence" or i.band != "high")
    ]
    return kept[:limit]


@router.get("/disagreements")
def get_disagreements(
    programme: str,
    framework: Framework,
    store: StoreDep,
    user: CurrentUser,
    standard: Annotated[str | None, Query(description="only this standard's links")] = None,
    catalogue: Catalogue = None,
) -> list[Disagreement]:
    """Links where reviewers' latest decisions differ, for resolution."""
    found = disagreements(store, programme, framework, catalogue, standard)
    return [
        Disagreement(module=ds[0].module, competency_id=ds[0].competency_id, decisions=ds)
        for ds in found
    ]


def _item_out(item: QueueItem, matcher: MatcherDep) -> QueueItemOut:
    score = item.cell.score
    return QueueItemOut(
        reason=item.reason,
        settles=item.settles,
        band=confidence_band(matcher, score) if score is not None else None,
        module_title=item.module_title,
        requirement_label=item.requirement.label,
        essential=item.requirement.essential,
        unit=item.requirement.unit,
        cell=item.cell,
    )
