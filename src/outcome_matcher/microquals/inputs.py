"""Cover inputs from what the store holds: a catalogue's modules, decisions and suggestions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from outcome_matcher.microquals.cover import (
    CandidateLink,
    CandidateModule,
    CandidateOutcome,
    Evidence,
)
from outcome_matcher.schemas import Catalogue
from outcome_matcher.store import DecisionPublic, SuggestionRecord

_EVIDENCE: dict[str, Evidence] = {
    "accepted": "confirmed",
    "partial": "partial",
    "rejected": "rejected",
}


def _links(
    decisions: Iterable[DecisionPublic], suggestions: Iterable[SuggestionRecord], targets: set[str]
) -> dict[tuple[str, str], list[CandidateLink]]:
    """Links by (programme, module), only to the targets; current decisions and suggestions."""
    out: dict[tuple[str, str], list[CandidateLink]] = {}
    for d in decisions:
        if d.competency_id in targets:
            link = CandidateLink(
                target=d.competency_id,
                evidence=_EVIDENCE[d.verdict],
                decision_id=d.id,
                outcome_id=d.evidence_outcome,
            )
            out.setdefault((d.programme, d.module), []).append(link)
    for s in suggestions:
        if s.competency_id in targets:
            link = CandidateLink(
                target=s.competency_id,
                evidence="suggestion",
                confidence=s.confidence,
                outcome_id=s.outcome_id,
            )
            out.setdefault((s.programme_code, s.module_code), []).append(link)
    return out


def candidate_modules(
    catalogue: Catalogue,
    targets: Sequence[str],
    decisions: Iterable[DecisionPublic] = (),
    suggestions: Iterable[SuggestionRecord] = (),
) -> list[CandidateModule]:
    """Every module of the catalogue with its links to the targets (modules without any dropped)."""
    links = _links(decisions, suggestions, set(targets))
    return [
        CandidateModule(
            code=m.code,
            programme=p.code,
            catalogue=catalogue.name,
            credits=m.credits,
            links=tuple(links[(p.code, m.code)]),
        )
        for p in catalogue.programmes
        for m in p.modules
        if (p.code, m.code) in links
    ]


def candidate_outcomes(
    catalogue: Catalogue,
    targets: Sequence[str],
    decisions: Iterable[DecisionPublic] = (),
    suggestions: Iterable[SuggestionRecord] = (),
) -> list[CandidateOutcome]:
    """The finer grain: each outcome takes an even share of its module's credits and the links
    whose evidence is that outcome (a decision without evidence outcome stays module-level)."""
    out = []
    for module in candidate_modules(catalogue, targets, decisions, suggestions):
        outcomes = _outcome_ids(catalogue, module)
        for key in outcomes:
            own = tuple(link for link in module.links if link.outcome_id == key)
            if own:
                out.append(
                    CandidateOutcome(
                        outcome_id=key, module=module, share=1 / len(outcomes), links=own
                    )
                )
    return out


def _outcome_ids(catalogue: Catalogue, module: CandidateModule) -> list[str]:
    programme = next(p for p in catalogue.programmes if p.code == module.programme)
    found = next(m for m in programme.modules if m.code == module.code)
    return [o.id for o in found.outcomes]
