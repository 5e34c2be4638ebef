"""Design from a need: targets, scored candidates, exact cover, a draft micro_qualification."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from outcome_matcher.microquals.candidates import Pool, build_pool, outcome_key
from outcome_matcher.microquals.cover import (
    Cover,
    CoverResult,
    cover_modules,
    cover_outcomes,
    item_key,
)
from outcome_matcher.microquals.draft import draft_of
from outcome_matcher.microquals.targets import Target, Targets, resolve_targets
from outcome_matcher.retrieval.index import ProgressCallback
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review import levels
from outcome_matcher.schemas.micro_qualification import MicroQualification
from outcome_matcher.store import Store
from outcome_matcher.text import bloom_level

Grain = Literal["module", "outcome"]
LevelCheck = Literal["ok", "lower", "unknown"]


class DesignRequest(BaseModel):
    """What to design: the target (a standard or its unit, a list, or a programme's gaps)."""

    model_config = ConfigDict(extra="forbid")
    framework: str
    standard: str | None = None
    unit: str | None = None
    competency_ids: list[str] = []
    gaps_of: str | None = Field(default=None, description="a programme: its gaps are the target")
    gaps_catalogue: str | None = None
    catalogues: list[str] = Field(min_length=1)
    title: str = ""
    grain: Grain = "module"
    include: list[str] = Field(default=[], description="item keys kept whatever the cost")
    exclude: list[str] = Field(default=[], description="item keys never chosen")


class ChosenItem(BaseModel):
    key: str = Field(description="catalogue/programme/module[#outcome]")
    catalogue: str
    programme: str
    module: str
    title: str
    credits: float
    forced: bool = False


class TargetReport(BaseModel):
    competency_id: str
    label: str
    essential: bool
    unit: str | None
    covered_by: str | None
    evidence: str | None
    confidence: float | None
    outcome_text: str | None
    bloom_level: int | None
    expected_bloom: int | None
    level_check: LevelCheck


class DesignResult(BaseModel):
    micro_qualification: MicroQualification
    chosen: list[ChosenItem]
    targets: list[TargetReport]
    residual: list[str] = Field(description="requirements nothing covers: to be newly written")
    coverage: float
    total_credits: float
    candidates: list[str] = Field(description="every item key that covers some target")
    titles: dict[str, str] = Field(description="module title of each candidate item")
    operating_threshold: float
    solver: str


def design(
    store: Store,
    matcher: Matcher,
    request: DesignRequest,
    *,
    progress: ProgressCallback | None = None,
) -> DesignResult:
    """The minimum-credit modules (or outcomes) covering the targets, as a draft."""
    targets = resolve_targets(
        store, matcher, framework=request.framework, standard=request.standard,
        unit=request.unit, competency_ids=request.competency_ids, gaps_of=request.gaps_of,
        gaps_catalogue=request.gaps_catalogue,
    )  # fmt: skip
    ids = [t.competency.id for t in targets.items]
    pool = build_pool(
        store, matcher, framework=request.framework, catalogues=request.catalogues,
        targets=ids, progress=progress,
    )  # fmt: skip
    result, forced = _cover(ids, pool, request)
    chosen = [_chosen(key, pool, key in forced) for key in result.chosen]
    reports = [_report(t, result, pool, targets) for t in targets.items]
    mq = draft_of(request.title, targets, result, chosen_items(chosen), pool)
    return DesignResult(
        micro_qualification=mq,
        chosen=chosen,
        targets=reports,
        residual=list(result.residual),
        coverage=round(1 - len(result.residual) / len(ids), 4),
        total_credits=result.total_credits,
        candidates=sorted(_keys(pool, request.grain)),
        titles={k: pool.module_of[k.split("#", 1)[0]][1].title for k in _keys(pool, request.grain)},
        operating_threshold=matcher.threshold,
        solver=result.solver,
    )


def chosen_items(chosen: Sequence[ChosenItem]) -> list[tuple[str, str, str, str | None]]:
    """(catalogue, programme, module, outcome id or None) of each chosen item."""
    return [
        (c.catalogue, c.programme, c.module, c.key.split("#", 1)[1] if "#" in c.key else None)
        for c in chosen
    ]


def _keys(pool: Pool, grain: Grain) -> set[str]:
    if grain == "module":
        return {item_key(m) for m in pool.modules}
    return {outcome_key(o) for o in pool.outcomes}


def _cover(ids: list[str], pool: Pool, request: DesignRequest) -> tuple[CoverResult, set[str]]:
    """Exact cover; items the designer keeps are fixed first, the rest covered optimally."""
    # Suggestions are already cut at the matcher's threshold; every kept link counts.
    op = 0.0
    keep, drop = set(request.include), set(request.exclude)
    if request.grain == "module":
        fixed = [m for m in pool.modules if item_key(m) in keep]
        free = [m for m in pool.modules if item_key(m) not in keep | drop]
        first = cover_modules(ids, fixed, operating_point=op)
        left = list(first.residual)
        rest = cover_modules(left, free, operating_point=op) if left else None
    else:
        fixed_o = [o for o in pool.outcomes if outcome_key(o) in keep]
        free_o = [o for o in pool.outcomes if outcome_key(o) not in keep | drop]
        first = cover_outcomes(ids, fixed_o, operating_point=op)
        left = list(first.residual)
        rest = cover_outcomes(left, free_o, operating_point=op) if left else None
    forced = {k for k in keep if k in _keys(pool, request.grain)}
    return _merge(ids, first, rest, forced, pool, request.grain), forced


def _merge(
    ids: list[str],
    first: CoverResult,
    rest: CoverResult | None,
    forced: set[str],
    pool: Pool,
    grain: Grain,
) -> CoverResult:
    covered = {c.target: c for c in (*first.covered, *(rest.covered if rest else ()))}
    chosen = sorted(forced) + [k for k in (rest.chosen if rest else ()) if k not in forced]
    credits = _credits(pool, grain)
    return CoverResult(
        chosen=tuple(chosen),
        total_credits=round(sum(credits[k] for k in chosen), 6),
        covered=tuple(covered[t] for t in ids if t in covered),
        residual=tuple(t for t in ids if t not in covered),
        solver=first.solver,
    )


def _credits(pool: Pool, grain: Grain) -> dict[str, float]:
    if grain == "module":
        return {item_key(m): float(m.credits or 0.0) for m in pool.modules}
    return {outcome_key(o): float(o.module.credits or 0.0) * o.share for o in pool.outcomes}


def _chosen(key: str, pool: Pool, forced: bool) -> ChosenItem:
    module_key = key.split("#", 1)[0]
    catalogue, programme, module = module_key.split("/", 2)
    _, found = pool.module_of[module_key]
    credits = _credits(pool, "outcome" if "#" in key else "module")[key]
    return ChosenItem(
        key=key, catalogue=catalogue, programme=programme, module=module, title=found.title,
        credits=round(credits, 6), forced=forced,
    )  # fmt: skip


def _report(target: Target, result: CoverResult, pool: Pool, targets: Targets) -> TargetReport:
    c = target.competency
    cover: Cover | None = next((x for x in result.covered if x.target == c.id), None)
    outcome = pool.outcome_of.get(cover.outcome_id) if cover and cover.outcome_id else None
    expected = levels.expected_bloom(c.type, targets.level_text or c.level)
    estimate = bloom_level(outcome.text, outcome.lang) if outcome else None
    p = levels.p_lower(estimate, expected) if estimate else None
    check: LevelCheck = "unknown" if p is None else "lower" if levels.is_lower(p) else "ok"
    return TargetReport(
        competency_id=c.id, label=c.label, essential=target.essential, unit=target.unit,
        covered_by=cover.item if cover else None, evidence=cover.evidence if cover else None,
        confidence=cover.confidence if cover else None,
        outcome_text=outcome.text if outcome else None,
        bloom_level=estimate.level if estimate else None, expected_bloom=expected,
        level_check=check,
    )  # fmt: skip
