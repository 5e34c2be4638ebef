"""The evidence shown beside a suggestion: shared terms, languages and Bloom levels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from outcome_matcher.schemas import Competency
from outcome_matcher.store.public import OutcomeRef
from outcome_matcher.text import BLOOM_LEVELS, bloom_level, detect_language

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    {"and", "the", "for", "with", "from", "into", "that", "this", "such", "using", "use", "uses"}
    | {"able", "will", "are", "was", "its", "their", "student", "students", "module", "course"}
)
_STEM = 5  # shared prefix that counts as the same word: "design" ~ "designs", "testing" ~ "tests"


@dataclass(frozen=True)
class Side:
    """One side of a link as the reviewer sees it."""

    text: str
    lang: str | None
    bloom: int | None
    bloom_label: str | None


def _words(texts: Iterable[str]) -> set[str]:
    found = {w.casefold() for text in texts for w in _WORD.findall(text)}
    return {w for w in found if len(w) >= 3 and w not in _STOP and not w.isdigit()}


def _same(a: str, b: str) -> bool:
    return a == b or (len(a) >= _STEM and len(b) >= _STEM and a[:_STEM] == b[:_STEM])


def shared_terms(outcome: str, competency_texts: Iterable[str]) -> set[str]:
    """Casefolded words of either side that the other side shares (by word or 5-letter stem)."""
    left, right = _words([outcome]), _words(competency_texts)
    shared = {a for a in left if any(_same(a, b) for b in right)}
    return shared | {b for b in right if any(_same(a, b) for a in shared)}


def outcome_side(text: str, ref: OutcomeRef | None) -> Side:
    lang = (ref.lang if ref else None) or detect_language(text)
    estimate = bloom_level(text, lang)
    level = (ref.bloom_level if ref else None) or estimate.level
    return Side(text, lang, level, _label(level))


def competency_side(competency: Competency) -> Side:
    estimate = bloom_level(competency.label, competency.lang)
    return Side(competency.label, competency.lang, estimate.level, estimate.label)


def competency_texts(competency: Competency, matched: str | None) -> list[str]:
    return [competency.label, *competency.alt_labels, matched or ""]


def _label(level: int | None) -> str | None:
    return BLOOM_LEVELS[level - 1] if level else None
