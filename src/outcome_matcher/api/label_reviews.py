"""Labels in the users' languages: a competency's labels, and a council's reviewed labels."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from outcome_matcher import services
from outcome_matcher.api.deps import CurrentUser, Decider, StoreDep
from outcome_matcher.schemas.labels import CompetencyLabels, ReviewableLang
from outcome_matcher.store.public import LabelReviewCreate, LabelReviewPublic

router = APIRouter(tags=["labels"])


@router.get("/frameworks/{name}/competencies/{competency_id:path}")
def get_competency(
    name: str, competency_id: str, store: StoreDep, user: CurrentUser
) -> CompetencyLabels:
    """One competency with its Russian, Kazakh and Uzbek labels: each `machine` (an unreviewed
    machine translation) or `reviewed` (a council's label, which replaces it); `competency_id`
    may be a URI."""
    return services.competency_labels(store, name, competency_id)


@router.post("/label-reviews", status_code=201)
def post_label_review(body: LabelReviewCreate, store: StoreDep, user: Decider) -> LabelReviewPublic:
    """Record a reviewed label as the authenticated user; 409 with the current one when stale.

    It replaces the machine translation at once for display, and for matching from the next
    `outcome-matcher frameworks reindex` of the framework.
    """
    return store.review_label(body, user)


@router.get("/label-reviews")
def get_label_reviews(
    framework: str,
    store: StoreDep,
    user: CurrentUser,
    competency_id: Annotated[str | None, Query(max_length=512)] = None,
    lang: ReviewableLang | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[LabelReviewPublic]:
    """Every reviewed label of a framework (superseded ones too), oldest first."""
    return store.label_history(framework, competency_id=competency_id, lang=lang, limit=limit)
