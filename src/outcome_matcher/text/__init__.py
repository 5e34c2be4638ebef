"""Text utilities for outcomes: segmentation, language and script detection, Bloom level."""

from __future__ import annotations

from outcome_matcher.text.bloom import BLOOM_LEVELS, BloomEstimate, bloom_level
from outcome_matcher.text.language import DEFAULT_LANGUAGES, detect_language, detect_script
from outcome_matcher.text.segment import segment_outcomes

__all__ = [
    "BLOOM_LEVELS",
    "DEFAULT_LANGUAGES",
    "BloomEstimate",
    "bloom_level",
    "detect_language",
    "detect_script",
    "segment_outcomes",
]
