"""The Bloom level a requirement expects, and whether an outcome probably falls short of it."""

from __future__ import annotations

from outcome_matcher.i18n import N_, Translator
from outcome_matcher.review.levels import (
    EQF_FLOOR,
    LOWER_AT,
    TYPE_FLOOR,
    bloom_name,
    eqf_level,
    expected_bloom,
    is_lower,
    p_lower,
)

__all__ = [
    "EQF_FLOOR",
    "LOWER_AT",
    "TYPE_FLOOR",
    "bloom_name",
    "eqf_level",
    "expected_bloom",
    "is_lower",
    "level_rule",
    "p_lower",
]

# The rule's English text is the msgid; the threshold is filled in where it is shown.
_LEVEL_RULE = N_(
    "expected Bloom level = max(type floor: knowledge>=understand, skill>=apply, "
    "competence>=evaluate; EQF/NQF level floor: 1 remember, 2 understand, 3-5 apply, "
    "6 analyse, 7 evaluate, 8 create); an outcome is at a lower level when "
    "P(Bloom level < expected) > %(threshold)s"
)
LEVEL_RULE = _LEVEL_RULE % {"threshold": f"{LOWER_AT:g}"}


def level_rule(tr: Translator, recorded: str) -> str:
    """The level rule in `tr`'s language; a report recorded under another rule keeps its text."""
    if recorded != LEVEL_RULE:
        return recorded
    return tr.gettext(_LEVEL_RULE) % {"threshold": tr.decimal(LOWER_AT, 1)}
