"""Design from a need: the minimum-credit modules (or outcomes) covering the targets, exactly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from outcome_matcher.errors import InputError

Evidence = Literal["confirmed", "partial", "suggestion", "rejected"]
# Rank of the evidence that makes a link count (lower is stronger); rejected never counts.
_STRENGTH = {"confirmed": 0, "partial": 1, "suggestion": 2}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CandidateLink(_Model):
    """How a module (or one of its outcomes) covers one target requirement."""

    target: str
    evidence: Evidence
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    decision_id: int | None = None
    outcome_id: str | None = None


class CandidateModule(_Model):
    code: str
    programme: str
    catalogue: str
    credits: float | None
    links: tuple[CandidateLink, ...] = ()


class CandidateOutcome(_Model):
    """The finer grain: one outcome and its share of its module's workload."""

    outcome_id: str
    module: CandidateModule
    share: float = Field(gt=0.0, le=1.0)
    links: tuple[CandidateLink, ...] = ()


class Cover(_Model):
    target: str
    item: str
    evidence: Evidence
    confidence: float | None = None
    decision_id: int | None = None
    outcome_id: str | None = None


class CoverResult(_Model):
    chosen: tuple[str, ...] = Field(description="item keys: catalogue/programme/module[#outcome]")
    total_credits: float
    covered: tuple[Cover, ...]
    residual: tuple[str, ...] = Field(description="targets nothing covers: to be newly written")
    solver: str = "scipy.optimize.milp (HiGHS), exact"


class _Item(_Model):
    key: str
    credits: float
    covers: dict[str, CandidateLink]


def item_key(m: CandidateModule) -> str:
    return f"{m.catalogue}/{m.programme}/{m.code}"


def _best_links(links: Sequence[CandidateLink], operating_point: float) -> dict[str, CandidateLink]:
    """Per target the strongest counting link; a rejection of the pair overrides any suggestion."""
    rejected = {link.target for link in links if link.evidence == "rejected"}
    best: dict[str, CandidateLink] = {}
    for link in links:
        if link.evidence == "rejected" or link.target in rejected:
            continue
        if link.evidence == "suggestion" and (link.confidence or 0.0) < operating_point:
            continue
        old = best.get(link.target)
        if old is None or _rank(link) < _rank(old):
            best[link.target] = link
    return best


def _rank(link: CandidateLink) -> tuple[int, float]:
    return (_STRENGTH[link.evidence], -(link.confidence or 0.0))


def _check(targets: Sequence[str], credits: dict[str, float | None]) -> None:
    if not targets:
        raise InputError("the design target has no requirements", field="targets")
    for key, value in credits.items():
        if value is None or value < 0:
            raise InputError(
                f"module {key} needs non-negative credits to be weighed", field="credits"
            )


def cover_modules(
    targets: Sequence[str], modules: Sequence[CandidateModule], *, operating_point: float
) -> CoverResult:
    """Exact weighted set cover of `targets` by whole modules."""
    _check(targets, {item_key(m): m.credits for m in modules})
    items = [
        _Item(
            key=item_key(m),
            credits=float(m.credits or 0.0),
            covers=_best_links(m.links, operating_point),
        )
        for m in modules
    ]
    return _solve(list(dict.fromkeys(targets)), items)


def cover_outcomes(
    targets: Sequence[str], outcomes: Sequence[CandidateOutcome], *, operating_point: float
) -> CoverResult:
    """Exact weighted set cover by single outcomes, each weighing its share of module credits."""
    _check(targets, {item_key(o.module): o.module.credits for o in outcomes})
    items = [
        _Item(
            key=f"{item_key(o.module)}#{o.outcome_id}",
            credits=float(o.module.credits or 0.0) * o.share,
            covers=_best_links(o.links, operating_point),
        )
        for o in outcomes
    ]
    return _solve(list(dict.fromkeys(targets)), items)


def _solve(targets: list[str], items: list[_Item]) -> CoverResult:
    items = sorted(items, key=lambda i: i.key)
    coverable = [t for t in targets if any(t in i.covers for i in items)]
    residual = tuple(t for t in targets if t not in set(coverable))
    chosen = _lexicographic(coverable, items) if coverable else []
    covered = tuple(_cover_of(t, [items[j] for j in chosen]) for t in coverable)
    return CoverResult(
        chosen=tuple(items[j].key for j in chosen),
        total_credits=round(sum(items[j].credits for j in chosen), 6),
        covered=covered,
        residual=residual,
    )


def _cover_of(target: str, chosen: list[_Item]) -> Cover:
    item = min(
        (i for i in chosen if target in i.covers), key=lambda i: (_rank(i.covers[target]), i.key)
    )
    link = item.covers[target]
    return Cover(
        target=target,
        item=item.key,
        evidence=link.evidence,
        confidence=link.confidence,
        decision_id=link.decision_id,
        outcome_id=link.outcome_id,
    )


def _lexicographic(targets: list[str], items: list[_Item]) -> list[int]:
    """Minimise credits; among the optima maximise targets with confirmed cover, then use fewer
    items, then prefer items earlier in key order. Each stage is one exact MILP whose optimum
    is fixed (within a tolerance) as a constraint of the next."""
    n, t = len(items), len(targets)
    # Variables: x_0..x_{n-1} (item chosen), y_0..y_{t-1} (target covered by a confirmed link).
    cover = lil_array((t, n + t))
    strong = lil_array((t, n + t))
    for r, target in enumerate(targets):
        for j, item in enumerate(items):
            if target in item.covers:
                cover[r, j] = 1
                if item.covers[target].evidence == "confirmed":
                    strong[r, j] = 1
        strong[r, n + r] = -1
    constraints = [LinearConstraint(cover.tocsr(), lb=1), LinearConstraint(strong.tocsr(), lb=0)]
    credits = np.array([i.credits for i in items] + [0.0] * t)
    count = np.array([1.0] * n + [0.0] * t)
    stages = [
        credits,
        -np.array([0.0] * n + [1.0] * t),
        count,
        np.array([*range(1, n + 1)] + [0] * t),
    ]
    x = np.zeros(n + t)
    for objective in stages:
        x, best = _milp(objective, constraints)
        tolerance = 1e-6 * max(1.0, abs(best))
        constraints.append(LinearConstraint(objective.reshape(1, -1), ub=best + tolerance))
    return [j for j in range(n) if x[j] > 0.5]


def _milp(objective: np.ndarray, constraints: list[LinearConstraint]) -> tuple[np.ndarray, float]:
    res = milp(
        objective,
        constraints=constraints,
        integrality=np.ones(objective.size),
        bounds=Bounds(0, 1),
    )
    if not res.success:  # every stage keeps the previous optimum feasible, so this is a bug
        raise RuntimeError(f"set-cover MILP failed: {res.message}")
    return np.asarray(res.x), float(res.fun)
