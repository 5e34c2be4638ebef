"""The review queue as the page needs it: filters, the current item and its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from outcome_matcher.errors import NotFoundError
from outcome_matcher.i18n import Translator
from outcome_matcher.review.programme import ProgrammeReview, QueueItem, review_queue
from outcome_matcher.schemas import Competency
from outcome_matcher.store import DecisionPublic, OutcomeRef, Store
from outcome_matcher.web.evidence import (
    Side,
    competency_side,
    competency_texts,
    outcome_side,
    shared_terms,
)

Show = Literal["unreviewed", "low", "all"]
SHOWS: tuple[Show, ...] = ("unreviewed", "low", "all")
LOW_CONFIDENCE = 0.6
# Without a calibration, "low confidence" means a score this close above the threshold.
LOW_MARGIN = 0.02
FLOOR_MARGIN = 0.03


@dataclass(frozen=True)
class Filters:
    show: Show = "unreviewed"
    unit: str | None = None
    module: str | None = None

    def params(self) -> dict[str, str | None]:
        return {"show": self.show, "unit": self.unit, "mod": self.module}


@dataclass(frozen=True)
class LinkView:
    """One link with everything a reviewer weighs before deciding."""

    item: QueueItem
    competency: Competency
    outcome: Side
    target: Side
    terms: frozenset[str]
    decision: DecisionPublic | None


def _is_low(item: QueueItem, threshold: float) -> bool:
    if item.cell.confidence is not None:
        return item.cell.confidence < LOW_CONFIDENCE
    return (item.cell.score or 0.0) < threshold + LOW_MARGIN


def _all_links(review: ProgrammeReview) -> list[QueueItem]:
    """Every decided link and every link near or above the threshold, in matrix order."""
    titles = {m.code: m.title for m in review.modules}
    refs = {r.competency_id: r for r in review.requirements}
    floor = review.coverage.threshold - FLOOR_MARGIN
    items: list[QueueItem] = []
    for row in review.coverage.requirements:
        for code, title in titles.items():
            cell = review.cell(code, row.competency_id)
            if cell.status != "none" or (cell.score or -1.0) >= floor:
                items.append(QueueItem(cell, refs[row.competency_id], title, False))
    return items


def queue_items(review: ProgrammeReview, filters: Filters) -> list[QueueItem]:
    items = _all_links(review) if filters.show == "all" else review_queue(review)
    if filters.show == "low":
        items = [i for i in items if _is_low(i, review.coverage.threshold)]
    if filters.unit:
        items = [i for i in items if (i.requirement.unit or "") == filters.unit]
    if filters.module:
        items = [i for i in items if i.cell.module_code == filters.module]
    return items


def focused_item(
    review: ProgrammeReview, module: str, competency: str, tr: Translator
) -> QueueItem:
    """Any link of the matrix, decided or not (a click on a cell)."""
    titles = {m.code: m.title for m in review.modules}
    refs = {r.competency_id: r for r in review.requirements}
    if module not in titles or competency not in refs:
        text = tr.gettext("There is no link %(module)s – %(competency)s in this matrix.")
        raise NotFoundError(text % {"module": module, "competency": competency})
    return QueueItem(review.cell(module, competency), refs[competency], titles[module], False)


def link_view(store: Store, review: ProgrammeReview, item: QueueItem) -> LinkView:
    cell = item.cell
    [competency] = store.get_competencies(review.framework, [cell.competency_id])
    outcome_text = cell.outcome_text or ""
    refs = _outcome_refs(store, review, cell.module_code)
    outcome = outcome_side(outcome_text, refs.get(cell.outcome_id or ""))
    terms = shared_terms(outcome_text, competency_texts(competency, cell.evidence))
    decision = review.decisions.get((cell.module_code, cell.competency_id))
    return LinkView(
        item, competency, outcome, competency_side(competency), frozenset(terms), decision
    )


def _outcome_refs(store: Store, review: ProgrammeReview, module: str) -> dict[str, OutcomeRef]:
    found = store.get_module_outcomes(review.programme, module, review.catalogue)
    return {ref.outcome_id: ref for ref in found}


def units(review: ProgrammeReview) -> list[str]:
    return sorted({r.unit for r in review.requirements if r.unit})
