"""Exact set cover for micro_qualification design, checked against brute-force enumeration."""

from __future__ import annotations

import itertools
import random

import pytest

from outcome_matcher.errors import InputError
from outcome_matcher.microquals.cover import (
    CandidateLink,
    CandidateModule,
    CandidateOutcome,
    cover_modules,
    cover_outcomes,
    item_key,
)

OP = 0.6


def _module(code: str, credits: float, *links: CandidateLink) -> CandidateModule:
    return CandidateModule(code=code, programme="P", catalogue="C", credits=credits, links=links)


def _random_instance(rng: random.Random) -> tuple[list[str], list[CandidateModule]]:
    targets = [f"t{i}" for i in range(rng.randint(3, 7))]
    modules = []
    for j in range(rng.randint(3, 9)):
        links = [
            CandidateLink(
                target=t,
                evidence=rng.choice(["confirmed", "suggestion", "suggestion", "rejected"]),
                confidence=round(rng.random(), 2),
            )
            for t in targets
            if rng.random() < 0.35
        ]
        modules.append(_module(f"M{j}", rng.choice([3.0, 4.0, 5.0, 6.0, 7.5]), *links))
    return targets, modules


def _counts(m: CandidateModule, target: str) -> bool:
    pair = [link for link in m.links if link.target == target]
    if any(link.evidence == "rejected" for link in pair):
        return False
    return any(link.evidence == "confirmed" or (link.confidence or 0) >= OP for link in pair)


def _brute_force(targets: list[str], modules: list[CandidateModule]) -> tuple[float, set[str]]:
    coverable = {t for t in targets if any(_counts(m, t) for m in modules)}
    best = float("inf")
    for r in range(len(modules) + 1):
        for subset in itertools.combinations(modules, r):
            if all(any(_counts(m, t) for m in subset) for t in coverable):
                best = min(best, sum(m.credits or 0 for m in subset))
    return best, set(targets) - coverable


@pytest.mark.parametrize("seed", range(40))
def test_optimum_matches_enumeration(seed: int) -> None:
    targets, modules = _random_instance(random.Random(seed))
    best, residual = _brute_force(targets, modules)
    result = cover_modules(targets, modules, operating_point=OP)
    assert result.total_credits == pytest.approx(best)
    assert set(result.residual) == residual
    chosen = [m for m in modules if item_key(m) in result.chosen]
    for cover in result.covered:
        module = next(m for m in chosen if item_key(m) == cover.item)
        assert _counts(module, cover.target)
    assert {c.target for c in result.covered} == set(targets) - residual


def test_tie_prefers_confirmed_then_fewer_modules() -> None:
    confirmed = CandidateLink(target="a", evidence="confirmed")
    suggested = CandidateLink(target="a", evidence="suggestion", confidence=0.9)
    modules = [
        _module("A", 6, suggested),
        _module("B", 6, confirmed),
        _module("C1", 3, CandidateLink(target="b", evidence="confirmed")),
        _module("C2", 3, CandidateLink(target="b", evidence="confirmed")),
        _module("D", 6, CandidateLink(target="b", evidence="confirmed")),
    ]
    result = cover_modules(["a", "b"], modules, operating_point=OP)
    assert result.total_credits == 9
    assert result.chosen == ("C/P/B", "C/P/C1")
    assert result.covered[0].evidence == "confirmed"


def test_rejected_links_never_count_and_uncoverable_is_residual() -> None:
    modules = [
        _module("A", 1, CandidateLink(target="a", evidence="rejected")),
        _module(
            "B",
            1,
            CandidateLink(target="a", evidence="suggestion", confidence=0.99),
            CandidateLink(target="a", evidence="rejected"),
        ),
        _module("C", 5, CandidateLink(target="b", evidence="suggestion", confidence=0.5)),
        _module("D", 8, CandidateLink(target="c", evidence="suggestion", confidence=0.7)),
    ]
    result = cover_modules(["a", "b", "c"], modules, operating_point=OP)
    assert result.residual == ("a", "b")
    assert result.chosen == ("C/P/D",)
    assert result.covered[0].confidence == 0.7


def test_empty_target_set_is_input_error() -> None:
    with pytest.raises(InputError, match="no requirements"):
        cover_modules([], [_module("A", 1)], operating_point=OP)


def test_module_without_credits_is_input_error() -> None:
    bad = CandidateModule(code="X", programme="P", catalogue="C", credits=None)
    with pytest.raises(InputError, match="C/P/X"):
        cover_modules(["a"], [bad], operating_point=OP)


def test_outcome_grain_is_cheaper_than_whole_modules() -> None:
    big = _module("BIG", 10)
    small = _module("S", 4)
    outcomes = [
        CandidateOutcome(
            outcome_id="o1",
            module=big,
            share=0.2,
            links=(CandidateLink(target="a", evidence="confirmed", outcome_id="o1"),),
        ),
        CandidateOutcome(
            outcome_id="o2",
            module=small,
            share=1.0,
            links=(CandidateLink(target="a", evidence="confirmed", outcome_id="o2"),),
        ),
    ]
    result = cover_outcomes(["a"], outcomes, operating_point=OP)
    assert result.chosen == ("C/P/BIG#o1",)
    assert result.total_credits == pytest.approx(2.0)
    assert result.covered[0].outcome_id == "o1"


def test_hundreds_of_modules_solve_quickly() -> None:
    rng = random.Random(7)
    targets = [f"t{i}" for i in range(40)]
    modules = [
        _module(
            f"M{j:03d}",
            rng.choice([3.0, 5.0, 6.0]),
            *(
                CandidateLink(target=t, evidence="suggestion", confidence=rng.random())
                for t in rng.sample(targets, 4)
            ),
        )
        for j in range(300)
    ]
    result = cover_modules(targets, modules, operating_point=OP)
    assert not result.residual
    assert len(result.covered) == 40
