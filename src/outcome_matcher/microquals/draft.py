"""The draft micro_qualification a design proposes: outcomes, links, workload, level, provenance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from outcome_matcher.microquals.candidates import Pool
from outcome_matcher.microquals.cover import Cover, CoverResult
from outcome_matcher.microquals.targets import Targets
from outcome_matcher.schemas import Outcome
from outcome_matcher.schemas.micro_qualification import (
    CompetencyLink,
    LearningOutcome,
    Level,
    MicroQualification,
    NationalLevel,
    SourceModule,
    TargetSet,
    Workload,
)

Chosen = tuple[str, str, str, str | None]  # catalogue, programme, module, outcome id or None


def draft_of(
    title: str, targets: Targets, result: CoverResult, chosen: Sequence[Chosen], pool: Pool
) -> MicroQualification:
    """Mandatory elements the data cannot give (awarding body, assessment ...) stay missing."""
    sources = [_source(c, pool) for c in chosen]
    outcomes = [pool.outcome_of[o] for s in sources for o in s.outcome_ids]
    labels = {t.competency.id: t.competency.label for t in targets.items}
    links = _links(result.covered, sources, labels, targets.framework)
    learning = [
        LearningOutcome(
            text=o.text,
            lang=o.lang or "en",
            kind=o.kind if o.kind in ("knowledge", "skill", "mastery") else None,
            links=links.get(o.id, []),
        )
        for o in outcomes
    ]
    std = targets.standard
    return MicroQualification(
        title=title.strip() or _title(targets),
        language=_language(outcomes),
        learning_outcomes=learning,
        workload=Workload(ects=result.total_credits) if result.total_credits > 0 else None,
        level=_level(targets),
        targets=TargetSet(
            framework=targets.framework,
            standard=std.id if std else None,
            competency_ids=[t.competency.id for t in targets.items],
        ),
        sources=sources,
    )


def _source(chosen: Chosen, pool: Pool) -> SourceModule:
    catalogue, programme, module, outcome = chosen
    _, found = pool.module_of[f"{catalogue}/{programme}/{module}"]
    ids = [outcome] if outcome else [o.id for o in found.outcomes]
    return SourceModule(catalogue=catalogue, programme=programme, module=module, outcome_ids=ids)


def _links(
    covered: Sequence[Cover], sources: Sequence[SourceModule], labels: dict[str, str], fw: str
) -> dict[str, list[CompetencyLink]]:
    """Per outcome id its evidence links; a decision without evidence outcome goes on the
    first outcome of its module, so every covered target shows up in the draft."""
    first = {
        f"{s.catalogue}/{s.programme}/{s.module}": s.outcome_ids[0]
        for s in sources
        if s.outcome_ids
    }
    out: dict[str, list[CompetencyLink]] = {}
    for c in covered:
        where = c.outcome_id or first.get(c.item.split("#", 1)[0])
        if where is None:
            continue
        link = CompetencyLink(
            framework=fw,
            competency_id=c.target,
            label=labels.get(c.target, ""),
            relation="close" if c.evidence == "confirmed" else None,
            confidence=c.confidence,
            decision_id=c.decision_id,
        )
        out.setdefault(where, []).append(link)
    return out


def _title(targets: Targets) -> str:
    std = targets.standard
    if std is None:
        return ""
    unit = next((u.label for u in std.units if u.id == targets.unit), targets.unit)
    return f"{std.label}: {unit}" if unit else std.label


def _language(outcomes: Sequence[Outcome]) -> str:
    langs = Counter(o.lang for o in outcomes if o.lang)
    return langs.most_common(1)[0][0] if langs else "en"


def _level(targets: Targets) -> Level | None:
    national = None
    if targets.national is not None:
        scale, value = targets.national
        national = NationalLevel(scale=scale, value=value)  # type: ignore[arg-type]
    if targets.eqf is None and national is None:
        return None
    return Level(eqf=targets.eqf, national=national)
