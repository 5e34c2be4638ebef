"""A programme against a standard: its coverage summary and its requirements x modules matrix."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from outcome_matcher.api.deps import FrameworkQuery, ReviewDep, StandardQuery
from outcome_matcher.review.coverage import Cell, Coverage, RequirementCoverage

router = APIRouter(prefix="/programmes/{programme}", tags=["review"])


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


@router.get("/coverage")
def get_coverage(
    programme: str, framework: FrameworkQuery, standard: StandardQuery, review: ReviewDep
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
