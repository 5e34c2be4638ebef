"""A programme against a standard: the links to decide (review queue) and the disagreements."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from outcome_matcher.api.deps import (
    CatalogueQuery,
    CurrentUser,
    FrameworkQuery,
    MatcherDep,
    ReviewDep,
    StoreDep,
)
from outcome_matcher.review.coverage import Cell
from outcome_matcher.review.programme import QueueItem, QueueReason, disagreements, review_queue
from outcome_matcher.review.rules import Band, confidence_band
from outcome_matcher.schemas.labels import LocalLabel
from outcome_matcher.services.labels import all_local_labels
from outcome_matcher.store import Store
from outcome_matcher.store.public import DecisionPublic

router = APIRouter(prefix="/programmes/{programme}", tags=["review"])


class QueueItemOut(BaseModel):
    reason: QueueReason
    settles: bool
    band: Band | None
    module_title: str
    requirement_label: str
    essential: bool
    unit: str | None
    cell: Cell
    level: str | None = None  # the requirement's level on `level_scale`, and on the EQF
    level_scale: str | None = None
    eqf: int | None = None
    # The requirement's Russian, Kazakh and Uzbek labels, each machine-translated or reviewed.
    local_labels: tuple[LocalLabel, ...] = ()


class Disagreement(BaseModel):
    module: str
    competency_id: str
    decisions: list[DecisionPublic]


@router.get("/review-queue")
def get_review_queue(
    review: ReviewDep,
    matcher: MatcherDep,
    store: StoreDep,
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
    return _with_local_labels(store, review.framework, kept[:limit])


def _with_local_labels(
    store: Store, framework: str, items: list[QueueItemOut]
) -> list[QueueItemOut]:
    ids = list(dict.fromkeys(i.cell.competency_id for i in items))
    found = (
        all_local_labels(store, framework, store.get_competencies(framework, ids)) if ids else {}
    )
    return [
        i.model_copy(update={"local_labels": found.get(i.cell.competency_id, ())}) for i in items
    ]


@router.get("/disagreements")
def get_disagreements(
    programme: str,
    framework: FrameworkQuery,
    store: StoreDep,
    user: CurrentUser,
    standard: Annotated[str | None, Query(description="only this standard's links")] = None,
    catalogue: CatalogueQuery = None,
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
        level=item.requirement.level,
        level_scale=item.requirement.level_scale,
        eqf=item.requirement.eqf,
    )
