"""Home-page data: default programme x standard pairings and their review progress."""

from __future__ import annotations

from dataclasses import dataclass

from outcome_matcher.store import ProgrammeInfo, StandardInfo, Store
from outcome_matcher.web.context import ReviewContext

# The bundled samples are written against these ESCO occupations (corpora/samples/SOURCE.md);
# any framework with a standard of that label gets it offered first.
DEFAULT_STANDARD_LABELS: tuple[str, ...] = ("software developer", "ICT application developer")
# The Russian demo: the NEFU courses against the professional standards 06.026 (system
# administrator) and 06.001 (programmer), and the illustrative Kazakh standard; offered by key
# to the programmes written in the languages these standards serve.
DEFAULT_STANDARD_KEYS: tuple[str, ...] = ("06.026", "06.001", "KZ-EX.01")
NATIONAL_LANGS: frozenset[str] = frozenset({"ru", "kk", "uz", "uz_Cyrl", "uz-Cyrl"})
# A framework with this few standards offers all of them.
SMALL_FRAMEWORK = 3


@dataclass(frozen=True)
class Pairing:
    """A programme x standard with how many of its requirements have a decision."""

    context: ReviewContext
    standard_label: str
    reviewed: int
    total: int

    @property
    def share(self) -> float:
        return self.reviewed / self.total if self.total else 0.0


@dataclass(frozen=True)
class Offered:
    """A default standard and whether it is meant for programmes in the national languages."""

    standard: StandardInfo
    national: bool = False

    def fits(self, programme: ProgrammeInfo) -> bool:
        return not self.national or programme.lang is None or programme.lang in NATIONAL_LANGS


def default_standards(store: Store, framework: str) -> list[Offered]:
    """The standards offered on the home page for every (fitting) programme."""
    found: list[Offered] = []
    for label in DEFAULT_STANDARD_LABELS:
        matches = store.list_standards(framework, label, limit=20)
        found += [Offered(s) for s in matches if s.label.casefold() == label.casefold()][:1]
    for key in DEFAULT_STANDARD_KEYS:
        matches = store.list_standards(framework, key, limit=50)
        found += [Offered(s, national=True) for s in matches if s.key == key]
    if not found:
        few = store.list_standards(framework, limit=SMALL_FRAMEWORK + 1)
        found = [Offered(s) for s in few] if len(few) <= SMALL_FRAMEWORK else []
    return found


def pairing(
    store: Store, programme: ProgrammeInfo, framework: str, standard: StandardInfo
) -> Pairing:
    context = ReviewContext(programme.code, framework, standard.key, programme.catalogue)
    decided = store.current_decisions(
        programme.code, framework, catalogue=programme.catalogue, standard=standard.key
    )
    reviewed = len({d.competency_id for d in decided if d.verdict != "withdrawn"})
    total = standard.n_essential + standard.n_optional
    return Pairing(context, standard.label, reviewed, total)


def programme_pairings(store: Store, programmes: list[ProgrammeInfo]) -> dict[str, list[Pairing]]:
    """For each programme (keyed catalogue/code), its default pairings across frameworks."""
    standards = {f.name: default_standards(store, f.name) for f in store.list_frameworks()}
    return {
        f"{p.catalogue}/{p.code}": [
            pairing(store, p, framework, o.standard)
            for framework, offered in standards.items()
            for o in offered
            if o.fits(p)
        ]
        for p in programmes
    }
