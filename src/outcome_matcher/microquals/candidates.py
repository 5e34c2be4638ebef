"""Candidates for a design: catalogue modules scored against the targets, decisions laid over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from outcome_matcher.microquals.cover import CandidateModule, CandidateOutcome, item_key
from outcome_matcher.microquals.inputs import candidate_modules, candidate_outcomes
from outcome_matcher.retrieval.index import ProgressCallback
from outcome_matcher.retrieval.matcher import Matcher, ModuleOutcomes, OutcomeText
from outcome_matcher.schemas import Catalogue, Module, Outcome, Programme
from outcome_matcher.store import DecisionPublic, Store, SuggestionRecord


@dataclass
class Pool:
    """What the cover chooses from, and what the draft needs to describe the choice."""

    modules: list[CandidateModule] = field(default_factory=list)
    outcomes: list[CandidateOutcome] = field(default_factory=list)
    module_of: dict[str, tuple[Programme, Module]] = field(default_factory=dict)
    outcome_of: dict[str, Outcome] = field(default_factory=dict)


def load_catalogue(store: Store, name: str) -> Catalogue:
    """A stored catalogue with its active programmes, modules and outcomes."""
    info = next((c for c in store.list_catalogues() if c.name == name), None)
    programmes = tuple(store.get_programme(p.code, name) for p in store.list_programmes(name))
    return Catalogue(
        name=name,
        institution=info.institution if info else "",
        version=info.version if info else "",
        programmes=programmes,
    )


def _module_outcomes(programme: Programme) -> list[ModuleOutcomes]:
    return [
        ModuleOutcomes(
            code=m.code,
            title=m.title,
            outcomes=tuple(OutcomeText(id=o.id, text=o.text) for o in m.outcomes),
        )
        for m in programme.modules
        if m.outcomes
    ]


def scored_suggestions(
    matcher: Matcher, framework: str, programme: Programme, targets: Sequence[str]
) -> list[SuggestionRecord]:
    """Exact scores of every module against every target; those at the operating threshold
    (the calibrated one when a calibration is loaded) become suggestions, no stored run needed."""
    cells = matcher.score_programme(framework, _module_outcomes(programme), targets)
    return [
        SuggestionRecord(
            run_id=0,
            programme_code=programme.code,
            module_code=module,
            outcome_id=cell.outcome_id,
            outcome_text=cell.outcome_text,
            competency_id=cid,
            label="",
            rank=1,
            score=cell.score,
            confidence=matcher.confidence(cell.score),
            evidence=cell.evidence,
        )
        for (module, cid), cell in sorted(cells.items())
        if cell.score >= matcher.threshold
    ]


def _decisions(store: Store, cat: Catalogue, framework: str) -> list[DecisionPublic]:
    found: list[DecisionPublic] = []
    for p in cat.programmes:
        found.extend(store.current_decisions(p.code, framework, catalogue=cat.name))
    return found


def build_pool(
    store: Store,
    matcher: Matcher,
    *,
    framework: str,
    catalogues: Sequence[str],
    targets: Sequence[str],
    progress: ProgressCallback | None = None,
) -> Pool:
    """Every module (and outcome) of the catalogues with a counting link to a target."""
    pool = Pool()
    loaded = [load_catalogue(store, name) for name in dict.fromkeys(catalogues)]
    total = sum(len(c.programmes) for c in loaded)
    done = 0
    for cat in loaded:
        suggestions: list[SuggestionRecord] = []
        for programme in cat.programmes:
            suggestions.extend(scored_suggestions(matcher, framework, programme, targets))
            done += 1
            if progress is not None:
                progress(done, total)
            for m in programme.modules:
                pool.module_of[f"{cat.name}/{programme.code}/{m.code}"] = (programme, m)
                pool.outcome_of.update((o.id, o) for o in m.outcomes)
        decisions = _decisions(store, cat, framework)
        pool.modules.extend(candidate_modules(cat, targets, decisions, suggestions))
        pool.outcomes.extend(candidate_outcomes(cat, targets, decisions, suggestions))
    return pool


def outcome_key(o: CandidateOutcome) -> str:
    return f"{item_key(o.module)}#{o.outcome_id}"
