"""Suggestions: for texts or stored outcomes, for a module, and modules for a requirement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from outcome_matcher.api.deps import CurrentUser, MatcherDep, SettingsDep, StoreDep
from outcome_matcher.config import Settings
from outcome_matcher.errors import InputError, NotFoundError, TooLargeError
from outcome_matcher.retrieval.matcher import OutcomeText, group_by_module
from outcome_matcher.retrieval.suggest import suggest as suggest_records
from outcome_matcher.schemas import ModuleMatch, ModuleSuggestion, QueryResult
from outcome_matcher.services import standard_requirements

router = APIRouter(tags=["suggestions"])
TopK = Annotated[int, Query(ge=1, le=100)]


class TextIn(BaseModel):
    id: str = Field(max_length=200)
    text: str = Field(min_length=1)


class SuggestionRequest(BaseModel):
    """Either texts or ids of stored outcomes."""

    framework: str
    texts: list[TextIn] = Field(default_factory=list)
    outcome_ids: list[str] = Field(default_factory=list)
    top_k: int = Field(default=10, ge=1, le=100)
    standard: str | None = Field(
        default=None, max_length=200, description="rank only this standard's requirements"
    )
    abstain: bool = Field(
        default=False,
        description="drop suggestions below the operating point: an empty list then means "
        "'no adequate match' instead of a forced one",
    )

    @model_validator(mode="after")
    def _one_source(self) -> SuggestionRequest:
        if bool(self.texts) == bool(self.outcome_ids):
            raise ValueError("give either `texts` or `outcome_ids`, not both and not neither")
        return self


@router.post("/suggestions")
def suggest(
    body: SuggestionRequest,
    matcher: MatcherDep,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> list[QueryResult]:
    """Competencies per statement, best first: the records of `outcome-matcher suggest`."""
    items = _items(body, store)
    _check_cost(items, body, settings)
    among = standard_requirements(store, body.framework, body.standard) if body.standard else None
    # One batch: every length is checked before anything is encoded.
    found = suggest_records(
        matcher,
        body.framework,
        items,
        top_k=body.top_k,
        max_chars=settings.max_text_chars,
        batch_size=max(len(items), 1),
        abstain=body.abstain,
        among=among,
    )
    return list(found)


@router.get("/programmes/{programme}/modules/{module}/suggestions")
def suggest_for_module(
    programme: str,
    module: str,
    framework: str,
    matcher: MatcherDep,
    store: StoreDep,
    user: CurrentUser,
    top_k: TopK = 10,
) -> list[ModuleSuggestion]:
    """Competencies a module covers, each with the module's best evidence outcome."""
    modules = group_by_module(store.get_module_outcomes(programme, module))
    if not modules:
        raise NotFoundError(f"module {module!r} of {programme!r} has no outcomes")
    return matcher.suggest_for_module(framework, modules[0], top_k)


@router.get("/programmes/{programme}/modules-for-requirement")
def modules_for_requirement(
    programme: str,
    framework: str,
    competency_id: str,
    matcher: MatcherDep,
    store: StoreDep,
    user: CurrentUser,
    top_k: TopK = 5,
) -> list[ModuleMatch]:
    """The reverse direction: the programme's modules that best cover one competency."""
    modules = group_by_module(store.get_programme_outcomes(programme))
    return matcher.modules_for_requirement(framework, competency_id, modules, top_k)


def _items(body: SuggestionRequest, store: StoreDep) -> list[OutcomeText]:
    if body.texts:
        return [OutcomeText(id=t.id, text=t.text) for t in body.texts]
    return [
        OutcomeText(id=ref.outcome_id, text=ref.text)
        for ref in store.get_outcomes(body.outcome_ids)
    ]


def _check_cost(items: list[OutcomeText], body: SuggestionRequest, settings: Settings) -> None:
    """Bound one request's encoder work (texts x length), so it cannot hold the cores for long."""
    field = "texts" if body.texts else "outcome_ids"
    if len(items) > settings.max_batch_texts:
        limit = settings.max_batch_texts
        raise InputError(
            f"{len(items)} statements in one request; the limit is {limit}",
            field=field,
            limit=limit,
        )
    total = sum(len(item.text) for item in items)
    if total > settings.max_suggest_chars:
        limit = settings.max_suggest_chars
        raise TooLargeError(
            f"{total} characters in one request; the limit is {limit} (max_suggest_chars)",
            field=field,
            limit=limit,
        )
