"""The Bloom level a requirement expects, and whether an outcome probably falls short of it."""

from __future__ import annotations

import re

from outcome_matcher.levels import requirement_eqf
from outcome_matcher.text import BLOOM_LEVELS, BloomEstimate

# Bloom's revised taxonomy: 1 remember, 2 understand, 3 apply, 4 analyse, 5 evaluate, 6 create.
# Knowing something means at least understanding it, a skill is applied, and a competence
# (autonomy and responsibility) means judging and shaping work: evaluate.
TYPE_FLOOR: dict[str, int] = {"knowledge": 2, "skill": 3, "competence": 5}
# EQF/NQF level -> lowest Bloom level its descriptors ask for, read off the EQF descriptors:
# 1-2 basic/factual knowledge (remember, understand), 3-4 apply methods and choose among them,
# 5 comprehensive knowledge and abstract problems, 6 critical understanding (analyse),
# 7 original thinking and new procedures (evaluate), 8 the frontier, creating new knowledge.
EQF_FLOOR: dict[int, int] = {1: 1, 2: 2, 3: 3, 4: 3, 5: 3, 6: 4, 7: 5, 8: 6}
# An evidence outcome is "covered at a lower level" when it is more likely than not below.
LOWER_AT = 0.5
_NUMBER = re.compile(r"\d+")


def eqf_level(level: str | None) -> int | None:
    """The EQF/NQF number in a level such as "6", "EQF 6" or "NQF-6" (None outside 1..8)."""
    found = _NUMBER.search(level or "")
    number = int(found.group()) if found else None
    return number if number in EQF_FLOOR else None


def expected_bloom(type: str | None, level: str | None, scale: str | None = None) -> int | None:
    """The lowest Bloom level that shows the requirement, or None when nothing says.

    The level is read on its scale and compared on the EQF (a Russian NQF 6 is EQF 6 by the
    referencing table in levels/scales.yaml); without a scale, "6" or "EQF 6" are EQF levels.
    """
    floors = [TYPE_FLOOR[type]] if type in TYPE_FLOOR else []
    eqf = requirement_eqf(level, scale)
    if eqf is not None:
        floors.append(EQF_FLOOR[eqf])
    return max(floors) if floors else None


def p_lower(estimate: BloomEstimate, expected: int | None) -> float | None:
    """Probability that the outcome sits below the expected level (None if unknowable)."""
    if expected is None or estimate.level is None:
        return None
    return sum(estimate.probabilities[: expected - 1])


def is_lower(probability: float | None) -> bool:
    # Strictly more likely than not: a verb shared evenly by two levels is no evidence.
    return probability is not None and probability > LOWER_AT


def bloom_name(level: int | None) -> str:
    return BLOOM_LEVELS[level - 1] if level else "-"
