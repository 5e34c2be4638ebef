"""The store's current decisions as labelled candidates, scored by the current matcher.

A decision on a module-competency link is one candidate: its score is the module's best
outcome's cosine to the competency (what coverage shows), its gap and rank are those of the
competency among that outcome's own top suggestions (rank depth + 1 when it is not among
them). Accepted and partial are positive, rejected negative, withdrawn links are undecided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from outcome_matcher.retrieval.calibration import Candidate
from outcome_matcher.retrieval.matcher import Matcher, ModuleOutcomes, group_by_module
from outcome_matcher.store import DecisionPublic, Store

POSITIVE = ("accepted", "partial")
DEPTH = 50


@dataclass(frozen=True)
class DecidedCandidate:
    programme: str  # "<catalogue>/<programme>": the unit of the held-out split
    module: str
    competency_id: str
    candidate: Candidate
    accepted: bool
    outcome_id: str = ""  # the module's best outcome for the competency: the link's evidence
    outcome_text: str = ""


def current_decisions(
    store: Store, framework: str, standard: str | None = None
) -> dict[str, list[DecisionPublic]]:
    """Every programme's current accepted, partial and rejected decisions with the framework."""
    found: dict[str, list[DecisionPublic]] = {}
    for p in store.list_programmes():
        decided = [
            d
            for d in store.current_decisions(
                p.code, framework, catalogue=p.catalogue, standard=standard
            )
            if d.verdict != "withdrawn"
        ]
        if decided:
            found[f"{p.catalogue}/{p.code}"] = decided
    return found


def decided_candidates(
    store: Store, matcher: Matcher, framework: str, standard: str | None = None
) -> list[DecidedCandidate]:
    """Each current decision as a candidate the current matcher scores."""
    out: list[DecidedCandidate] = []
    for key, decisions in sorted(current_decisions(store, framework, standard).items()):
        catalogue, _, code = key.partition("/")
        modules = group_by_module(store.get_programme_outcomes(code, catalogue))
        by_module = {m.code: m for m in modules}
        ids = sorted({d.competency_id for d in decisions})
        cells = matcher.score_programme(framework, modules, ids)
        ranked = _outcome_rankings(matcher, framework, modules)
        for d in decisions:
            cell = cells.get((d.module, d.competency_id))
            if cell is None or d.module not in by_module:
                continue  # the competency or the module is gone: nothing to score
            top, order = ranked[cell.outcome_id]
            rank = order.get(d.competency_id, DEPTH + 1)
            gap = max(top - cell.score, 0.0)
            out.append(
                DecidedCandidate(
                    key,
                    d.module,
                    d.competency_id,
                    Candidate(cell.score, gap, rank),
                    d.verdict in POSITIVE,
                    cell.outcome_id,
                    cell.outcome_text,
                )
            )
    return out


def _outcome_rankings(
    matcher: Matcher, framework: str, modules: list[ModuleOutcomes]
) -> dict[str, tuple[float, dict[str, int]]]:
    """Per outcome id: its best score and the rank of each of its top suggestions."""
    outcomes = [o for m in modules for o in m.outcomes]
    rows = matcher.suggest(framework, [o.text for o in outcomes], DEPTH) if outcomes else []
    ranked: dict[str, tuple[float, dict[str, int]]] = defaultdict(lambda: (0.0, {}))
    for o, row in zip(outcomes, rows, strict=True):
        top = max((s.score for s in row), default=0.0)
        ranked[o.id] = (top, {s.competency_id: i + 1 for i, s in enumerate(row)})
    return ranked
