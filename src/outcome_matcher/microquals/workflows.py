"""The three use cases wired to the matcher: design, check a proposal, recognise a credential."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

from outcome_matcher.errors import InputError
from outcome_matcher.microquals.candidates import build_pool, load_catalogue
from outcome_matcher.microquals.check import CheckReport, TargetMatch, check_proposal
from outcome_matcher.microquals.cover import item_key
from outcome_matcher.microquals.design import DesignRequest, DesignResult, design
from outcome_matcher.microquals.recognition import (
    LocalModule,
    OutcomeMatch,
    RecognitionReport,
    recognise,
)
from outcome_matcher.microquals.targets import resolve_targets
from outcome_matcher.retrieval.matcher import Matcher, ModuleOutcomes, OutcomeText
from outcome_matcher.schemas.micro_qualification import MicroQualification
from outcome_matcher.store import Store

__all__ = [
    "DesignRequest",
    "DesignResult",
    "RecognitionResult",
    "check_against",
    "design",
    "recognise_against",
]


class RecognitionResult(BaseModel):
    """The recognition report against the local catalogue, and, when asked, a standard."""

    report: RecognitionReport | None
    standard: CheckReport | None


def _confidence(matcher: Matcher, score: float) -> float:
    # Uncalibrated (a custom model), the cosine stands in, clipped to a probability's range.
    found = matcher.confidence(score)
    return found if found is not None else max(0.0, min(1.0, score))


def _matches(
    matcher: Matcher, framework: str, mq: MicroQualification, ids: Sequence[str]
) -> list[TargetMatch]:
    """Each outcome of the proposal against each target, exactly; those at the threshold."""
    texts = [o.text for o in mq.learning_outcomes]
    if not texts:
        raise InputError("the proposal has no learning outcomes", field="learning_outcomes")
    modules = [
        ModuleOutcomes(code=str(i), title="", outcomes=(OutcomeText(id=str(i), text=t),))
        for i, t in enumerate(texts)
    ]
    cells = matcher.score_programme(framework, modules, ids)
    return [
        TargetMatch(
            outcome_index=int(i), competency_id=cid, confidence=_confidence(matcher, c.score)
        )
        for (i, cid), c in sorted(cells.items())
        if c.score >= matcher.threshold
    ]


def check_against(
    store: Store,
    matcher: Matcher,
    mq: MicroQualification,
    *,
    framework: str | None = None,
    standard: str | None = None,
    unit: str | None = None,
    competency_ids: Sequence[str] = (),
    catalogues: Sequence[str] = (),
) -> CheckReport:
    """Coverage of the targets (the proposal's own unless given), level fit, overlap with the
    catalogues' modules, and the missing mandatory elements."""
    own = mq.targets
    framework = framework or (own.framework if own else None)
    if framework is None:
        raise InputError("name the framework of the targets", field="framework")
    if not (standard or competency_ids) and own is not None:
        standard, competency_ids = own.standard, own.competency_ids
    targets = resolve_targets(
        store, matcher, framework=framework, standard=standard, unit=unit,
        competency_ids=competency_ids,
    )  # fmt: skip
    ids = [t.competency.id for t in targets.items]
    overlap = None
    if catalogues:
        pool = build_pool(store, matcher, framework=framework, catalogues=catalogues, targets=ids)
        overlap = {item_key(m): {link.target for link in m.links} for m in pool.modules}
    return check_proposal(
        mq, ids, _matches(matcher, framework, mq, ids), operating_point=0.0,
        target_eqf=targets.eqf, module_coverage=overlap,
    )  # fmt: skip


def _local_modules(store: Store, catalogue: str) -> tuple[list[LocalModule], dict[str, str]]:
    cat = load_catalogue(store, catalogue)
    modules = [
        LocalModule(
            catalogue=cat.name,
            programme=p.code,
            code=m.code,
            title=m.title,
            credits=m.credits,
            outcome_ids=tuple(o.id for o in m.outcomes),
        )
        for p in cat.programmes
        for m in p.modules
        if m.outcomes
    ]
    texts = {o.id: o.text for p in cat.programmes for m in p.modules for o in m.outcomes}
    return modules, texts


def outcome_matches(
    matcher: Matcher, mq: MicroQualification, modules: Sequence[LocalModule], texts: dict[str, str]
) -> list[OutcomeMatch]:
    """Credential outcomes (queries) against local outcomes (passages, as competencies are
    indexed, so the calibration's score scale applies); per local outcome its best partner."""
    cred = [o.text for o in mq.learning_outcomes]
    local = [(m, o) for m in modules for o in m.outcome_ids]
    if not cred or not local:
        return []
    q = matcher.encoder.encode_queries(cred)
    p = matcher.encoder.encode_passages([texts[o] for _, o in local])
    scores = np.asarray(q @ p.T)
    best = scores.argmax(axis=0)
    return [
        OutcomeMatch(
            outcome_index=int(best[j]),
            module=m.key,
            local_outcome_id=o,
            local_outcome_text=texts[o],
            score=round(float(scores[best[j], j]), 6),
            confidence=_confidence(matcher, float(scores[best[j], j])),
        )
        for j, (m, o) in enumerate(local)
        if float(scores[best[j], j]) >= matcher.threshold
    ]


def recognise_against(
    store: Store,
    matcher: Matcher,
    mq: MicroQualification,
    *,
    catalogue: str | None = None,
    framework: str | None = None,
    standard: str | None = None,
) -> RecognitionResult:
    """What an imported micro_qualification could replace or credit locally, and what of a
    national standard it covers."""
    if catalogue is None and standard is None:
        raise InputError("name a local catalogue or a standard to recognise against")
    report = None
    if catalogue is not None:
        modules, texts = _local_modules(store, catalogue)
        matches = outcome_matches(matcher, mq, modules, texts)
        report = recognise(mq, matches, modules, operating_point=0.0)
    checked = None
    if standard is not None:
        if framework is None:
            raise InputError("a standard needs its framework", field="framework")
        checked = check_against(store, matcher, mq, framework=framework, standard=standard)
    return RecognitionResult(report=report, standard=checked)
