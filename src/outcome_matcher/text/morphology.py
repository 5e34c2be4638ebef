"""Word normalisation for lexical matching: Russian lemmas (pymorphy3) and character n-grams."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_CYRILLIC = re.compile(r"[а-яё]")


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def russian_lemma(word: str) -> str:
    """The dictionary form of a lower-case Russian word; other words unchanged."""
    if not _CYRILLIC.match(word):
        return word
    return str(_morph().parse(word)[0].normal_form)


def char_ngrams(word: str, n: int) -> list[str]:
    """The character n-grams of a word between boundary marks; a short word as a whole.

    Kazakh and Uzbek are agglutinative: a root keeps its n-grams under any chain of
    suffixes, where a whole-word match needs the same suffixes on both sides.
    """
    marked = f"<{word}>"
    if len(marked) <= n:
        return [marked]
    return [marked[i : i + n] for i in range(len(marked) - n + 1)]
