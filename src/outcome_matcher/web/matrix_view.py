"""The coverage matrix as the template needs it: unit groups, shaded cells and totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from outcome_matcher.review.coverage import Cell, RequirementCoverage
from outcome_matcher.review.programme import ProgrammeReview
from outcome_matcher.web.context import ReviewContext

_DECIDED_COVER = ("confirmed", "partial", "pending")
_MIN_SHADE = 0.2


@dataclass(frozen=True)
class MatrixCell:
    cell: Cell
    shade: float  # 0..1: how strongly a suggestion is shaded (confidence, else relative score)
    url: str


@dataclass(frozen=True)
class MatrixRow:
    requirement: RequirementCoverage
    cells: list[MatrixCell]

    @property
    def confirmed(self) -> int:
        return sum(1 for c in self.cells if c.cell.status in _DECIDED_COVER)

    @property
    def suggested(self) -> int:
        return sum(1 for c in self.cells if c.cell.status == "suggested")


@dataclass(frozen=True)
class UnitGroup:
    unit: str | None
    rows: list[MatrixRow]


@dataclass(frozen=True)
class ModuleColumn:
    code: str
    title: str
    confirmed: int = 0
    suggested: int = 0


@dataclass
class MatrixView:
    groups: list[UnitGroup]
    columns: list[ModuleColumn] = field(default_factory=list)


def shade(cell: Cell, threshold: float, top: float) -> float:
    """Confidence when calibrated, else where the score sits between threshold and the best."""
    if cell.confidence is not None:
        value = cell.confidence
    elif cell.score is None or top <= threshold:
        value = 1.0
    else:
        value = (cell.score - threshold) / (top - threshold)
    return round(max(_MIN_SHADE, min(1.0, value)), 2)


def build_matrix(review: ProgrammeReview, ctx: ReviewContext) -> MatrixView:
    threshold = review.coverage.threshold
    grid = review.matrix()
    top = max((c.score or 0.0 for row in grid for c in row), default=threshold)
    rows = [
        MatrixRow(req, [_cell(c, threshold, top, ctx) for c in cells])
        for req, cells in zip(review.coverage.requirements, grid, strict=True)
    ]
    groups = [
        UnitGroup(unit, list(members))
        for unit, members in groupby(rows, key=lambda r: r.requirement.unit)
    ]
    columns = [
        ModuleColumn(
            m.code,
            m.title,
            confirmed=sum(1 for r in rows if r.cells[i].cell.status in _DECIDED_COVER),
            suggested=sum(1 for r in rows if r.cells[i].cell.status == "suggested"),
        )
        for i, m in enumerate(review.modules)
    ]
    return MatrixView(groups, columns)


def _cell(cell: Cell, threshold: float, top: float, ctx: ReviewContext) -> MatrixCell:
    url = ctx.url("/queue", module=cell.module_code, competency=cell.competency_id)
    return MatrixCell(cell, shade(cell, threshold, top), url)
