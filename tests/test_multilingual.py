"""Acceptance: the real model finds the right ESCO skill in six languages (top 5).

The set is hand-written: English statements and their translations into Russian, Kazakh,
Uzbek (Latin and Cyrillic), Estonian and French, each with the ESCO skill it teaches.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.frameworks import load_framework
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.schemas import Framework

ESCO = Path(__file__).resolve().parents[1] / "corpora" / "esco_v1.1.1_en"
GOLD = Path(__file__).parent / "fixtures" / "multilingual_gold.jsonl"
# Every 8th ESCO skill as distractors keeps the index build near two minutes on 2 cores.
DISTRACTOR_STRIDE = 8
# Statements the 4-bit multilingual-e5-small does not place in the top 5, measured on a quiet
# machine (their rank is the value): Estonian ICT vocabulary is its weak spot ("relatsioonilise
# andmebaasi" lands near "relationships"), while everyday Estonian (et-3..et-6) works. They
# stay in the set so that a better model shows up here; the test does not require them.
# The ESCO-adapted default places et-2 in the top 5 (2026-11-30); et-1 and uz-latn-2 remain.
KNOWN_MISSES = {
    "et-1": "rank > 30",
    "et-2": "rank 19",
    "uz-latn-2": "rank > 30",
}

pytestmark = pytest.mark.real_model


def _gold() -> list[dict[str, object]]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def esco_subset() -> Framework:
    full = load_framework(ESCO, "esco", name="esco", version="v1.1.1")
    targets = {label for g in _gold() for label in g["gold"]}  # type: ignore[attr-defined]
    kept = tuple(
        c
        for i, c in enumerate(full.competencies)
        if c.label in targets or i % DISTRACTOR_STRIDE == 0
    )
    assert targets <= {c.label for c in kept}
    return full.model_copy(update={"competencies": kept, "standards": ()})


@pytest.fixture(scope="module", params=["multilingual-e5-small", "multilingual-e5-small-esco"])
def matcher(request: pytest.FixtureRequest, esco_subset: Framework) -> Matcher:
    """The base e5 and the default ESCO-adapted e5 (adaptation must not cost other languages)."""
    fixture = "e5_model_dir" if request.param == "multilingual-e5-small" else "e5_esco_model_dir"
    encoder = SentenceTransformerEncoder(request.getfixturevalue(fixture), name=request.param)
    return Matcher(encoder, {"esco": FrameworkIndex.build(esco_subset, encoder)})


def test_right_skill_in_top_5_in_every_language(matcher: Matcher) -> None:
    gold = _gold()
    results = matcher.suggest("esco", [str(g["text"]) for g in gold], top_k=5)
    misses = [
        (g["id"], [s.label for s in found])
        for g, found in zip(gold, results, strict=True)
        if not set(g["gold"]) & {s.label for s in found}  # type: ignore[call-overload]
    ]
    assert [m for m in misses if m[0] not in KNOWN_MISSES] == []
    hit_langs = {g["lang"] for g in gold if g["id"] not in {m[0] for m in misses}}
    assert hit_langs == {g["lang"] for g in gold}, misses
    for found in results:
        assert all(s.competency_id.startswith("http://data.europa.eu/esco/skill/") for s in found)
