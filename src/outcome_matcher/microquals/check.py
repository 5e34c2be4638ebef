"""Check a proposal: coverage of targets by its outcomes, level fit, overlap, missing elements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from outcome_matcher.errors import InputError
from outcome_matcher.schemas.micro_qualification import MicroQualification


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetMatch(_Model):
    """The matcher's candidate: outcome (by index) of the proposal ~ a target competency."""

    outcome_index: int = Field(ge=0)
    competency_id: str
    confidence: float = Field(ge=0.0, le=1.0)


class TargetCoverage(_Model):
    target: str
    outcomes: tuple[int, ...] = Field(description="indexes of the outcomes that cover it")
    best_confidence: float | None = Field(description="None when covered by a linked decision")


class Overlap(_Model):
    module: str
    shared: tuple[str, ...]


class CheckReport(_Model):
    missing: tuple[str, ...]
    covered: tuple[TargetCoverage, ...]
    uncovered: tuple[str, ...]
    coverage: float
    level_fit: Literal["above", "equal", "below", "unknown"]
    overlap: tuple[Overlap, ...] = Field(description="existing modules teaching the same targets")


def check_proposal(
    mq: MicroQualification,
    targets: Sequence[str],
    matches: Sequence[TargetMatch],
    *,
    operating_point: float,
    target_eqf: int | None = None,
    module_coverage: Mapping[str, set[str]] | None = None,
) -> CheckReport:
    """Links already on the outcomes (with a decision) count first, then matches >= the point."""
    if not targets:
        raise InputError("the check has no target requirements", field="targets")
    found = _evidence(mq, matches, operating_point)
    covered = tuple(_coverage(t, found[t]) for t in dict.fromkeys(targets) if t in found)
    uncovered = tuple(t for t in dict.fromkeys(targets) if t not in found)
    shared = {c.target for c in covered}
    overlap = [
        Overlap(module=key, shared=tuple(sorted(shared & taught)))
        for key, taught in sorted((module_coverage or {}).items())
        if shared & taught
    ]
    return CheckReport(
        missing=tuple(mq.missing_mandatory()),
        covered=covered,
        uncovered=uncovered,
        coverage=round(len(covered) / len(set(targets)), 4),
        level_fit=_fit(mq.level.eqf if mq.level else None, target_eqf),
        overlap=tuple(sorted(overlap, key=lambda o: (-len(o.shared), o.module))),
    )


def _evidence(
    mq: MicroQualification, matches: Sequence[TargetMatch], operating_point: float
) -> dict[str, list[tuple[int, float | None]]]:
    found: dict[str, list[tuple[int, float | None]]] = {}
    for i, outcome in enumerate(mq.learning_outcomes):
        for link in outcome.links:
            if link.decision_id is not None:
                found.setdefault(link.competency_id, []).append((i, None))
    for m in matches:
        if m.outcome_index >= len(mq.learning_outcomes):
            raise InputError(
                f"the proposal has no outcome {m.outcome_index}", field="outcome_index"
            )
        if m.confidence >= operating_point:
            found.setdefault(m.competency_id, []).append((m.outcome_index, m.confidence))
    return found


def _coverage(target: str, evidence: list[tuple[int, float | None]]) -> TargetCoverage:
    confidences = [c for _, c in evidence if c is not None]
    decided = any(c is None for _, c in evidence)
    return TargetCoverage(
        target=target,
        outcomes=tuple(sorted({i for i, _ in evidence})),
        best_confidence=None if decided or not confidences else max(confidences),
    )


def _fit(have: int | None, want: int | None) -> Literal["above", "equal", "below", "unknown"]:
    if have is None or want is None:
        return "unknown"
    return "above" if have > want else "equal" if have == want else "below"
