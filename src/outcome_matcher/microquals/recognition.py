"""Recognition report: which local modules an imported credential could replace or credit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from outcome_matcher.errors import InputError
from outcome_matcher.schemas.micro_qualification import MicroQualification


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalModule(_Model):
    """A module of the local catalogue with all its outcome ids (the coverage denominator)."""

    catalogue: str
    programme: str
    code: str
    title: str = ""
    credits: float | None = None
    eqf: int | None = Field(default=None, ge=1, le=8)
    outcome_ids: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.catalogue}/{self.programme}/{self.code}"


class OutcomeMatch(_Model):
    """The matcher's candidate: credential outcome (by index) ~ local outcome of a module."""

    outcome_index: int = Field(ge=0)
    module: str = Field(description="catalogue/programme/code")
    local_outcome_id: str
    local_outcome_text: str = ""
    score: float
    confidence: float = Field(ge=0.0, le=1.0)


class EvidencePair(_Model):
    credential_outcome: str
    local_outcome_id: str
    local_outcome_text: str
    score: float
    confidence: float


class WorkloadComparison(_Model):
    credential_ects: float | None
    module_credits: float | None
    sufficient: bool | None = Field(description="None when either side is unknown")


class LevelComparison(_Model):
    credential_eqf: int | None
    module_eqf: int | None
    fit: Literal["above", "equal", "below", "unknown"]


class ModuleRecognition(_Model):
    module: LocalModule
    verdict: Literal["replace", "credit"]
    coverage: float = Field(description="share of the module's outcomes matched")
    unmatched_local: tuple[str, ...]
    evidence: tuple[EvidencePair, ...]
    mean_confidence: float
    workload: WorkloadComparison
    level: LevelComparison


class RecognitionReport(_Model):
    title: str
    operating_point: float
    modules: tuple[ModuleRecognition, ...]
    not_covered: tuple[str, ...] = Field(description="credential outcomes no local outcome matches")


def recognise(
    mq: MicroQualification,
    matches: Sequence[OutcomeMatch],
    modules: Sequence[LocalModule],
    *,
    operating_point: float,
) -> RecognitionReport:
    """Replace: every outcome of the module matched, enough ECTS, level not below; else credit."""
    by_key = {m.key: m for m in modules}
    texts = [o.text for o in mq.learning_outcomes]
    kept = [m for m in matches if _valid(m, by_key, len(texts)) and m.confidence >= operating_point]
    found = [
        _module(by_key[key], [m for m in kept if m.module == key], texts, mq)
        for key in sorted({m.module for m in kept})
    ]
    order = sorted(found, key=lambda r: (r.verdict != "replace", -r.coverage, -r.mean_confidence))
    matched = {m.outcome_index for m in kept}
    return RecognitionReport(
        title=mq.title,
        operating_point=operating_point,
        modules=tuple(order),
        not_covered=tuple(t for i, t in enumerate(texts) if i not in matched),
    )


def _valid(m: OutcomeMatch, modules: dict[str, LocalModule], n_outcomes: int) -> bool:
    if m.outcome_index >= n_outcomes:
        raise InputError(f"the credential has no outcome {m.outcome_index}", field="outcome_index")
    module = modules.get(m.module)
    if module is None:
        raise InputError(f"unknown local module {m.module!r}", field="module")
    if m.local_outcome_id not in module.outcome_ids:
        raise InputError(
            f"outcome {m.local_outcome_id!r} is not one of module {m.module}",
            field="local_outcome_id",
        )
    return True


def _module(
    module: LocalModule, matches: list[OutcomeMatch], texts: list[str], mq: MicroQualification
) -> ModuleRecognition:
    matched = {m.local_outcome_id for m in matches}
    coverage = len(matched) / len(module.outcome_ids) if module.outcome_ids else 0.0
    workload = _workload(mq, module)
    level = _level(mq, module)
    replace = coverage == 1.0 and workload.sufficient is True and level.fit != "below"
    evidence = sorted(matches, key=lambda m: (-m.confidence, m.outcome_index, m.local_outcome_id))
    return ModuleRecognition(
        module=module,
        verdict="replace" if replace else "credit",
        coverage=round(coverage, 4),
        unmatched_local=tuple(o for o in module.outcome_ids if o not in matched),
        evidence=tuple(_pair(m, texts) for m in evidence),
        mean_confidence=round(sum(m.confidence for m in matches) / len(matches), 4),
        workload=workload,
        level=level,
    )


def _pair(m: OutcomeMatch, texts: list[str]) -> EvidencePair:
    return EvidencePair(
        credential_outcome=texts[m.outcome_index],
        local_outcome_id=m.local_outcome_id,
        local_outcome_text=m.local_outcome_text,
        score=m.score,
        confidence=m.confidence,
    )


def _workload(mq: MicroQualification, module: LocalModule) -> WorkloadComparison:
    ects = mq.workload.ects if mq.workload else None
    credits = module.credits
    sufficient = None if ects is None or credits is None else ects >= credits
    return WorkloadComparison(credential_ects=ects, module_credits=credits, sufficient=sufficient)


def _level(mq: MicroQualification, module: LocalModule) -> LevelComparison:
    eqf = mq.level.eqf if mq.level else None
    fit: Literal["above", "equal", "below", "unknown"] = "unknown"
    if eqf is not None and module.eqf is not None:
        fit = "above" if eqf > module.eqf else "equal" if eqf == module.eqf else "below"
    return LevelComparison(credential_eqf=eqf, module_eqf=module.eqf, fit=fit)
