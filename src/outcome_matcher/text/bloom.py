"""Bloom's revised taxonomy level of an outcome, estimated from its action verbs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from outcome_matcher.text.language import detect_language
from outcome_matcher.text.morphology import russian_lemma

BLOOM_LEVELS: tuple[str, ...] = ("remember", "understand", "apply", "analyse", "evaluate", "create")
MIN_STEM = 4
_APOSTROPHES = str.maketrans({"‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "`": "'"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# Infinitive endings stripped to get a stem that matches inflected forms by prefix.
_INFINITIVE_ENDINGS: dict[str, tuple[str, ...]] = {
    "et": ("ma",),
    "fr": ("oir", "er", "ir", "re"),
    "it": ("are", "ere", "ire"),
    "de": ("en", "n"),
    "kk": ("у", "ю"),
    "uz": ("moq", "mak", "моқ", "мак"),
}
# Endings after a verb stem that make an agent noun, not a verb: "kasutaja" (et, user),
# "пайдаланушы" (kk), "foydalanuvchi" (uz) share the stem of "to use".
_NOUN_ENDINGS: dict[str, tuple[str, ...]] = {
    "et": ("ja",),
    "kk": ("ушы", "уші"),
    "uz": ("uvchi", "vchi", "увчи", "вчи"),
}


class BloomEstimate(BaseModel):
    """A distribution over Bloom levels 1..6 and its argmax (None when no verb was found)."""

    model_config = ConfigDict(frozen=True)

    level: int | None
    probabilities: tuple[float, float, float, float, float, float]
    verbs: tuple[str, ...] = ()

    @property
    def label(self) -> str | None:
        return BLOOM_LEVELS[self.level - 1] if self.level else None


@dataclass
class _Lexicon:
    """One language's verbs: exact word forms and prefix stems, each with its levels."""

    exact: dict[str, set[int]] = field(default_factory=dict)
    stems: dict[str, set[int]] = field(default_factory=dict)
    noun_endings: tuple[str, ...] = ()

    def levels_of(self, word: str) -> set[int]:
        found = set(self.exact.get(word, ()))
        for end in range(MIN_STEM, len(word) + 1):
            if end < len(word) and word[end:].startswith(self.noun_endings):
                continue
            found |= self.stems.get(word[:end], set())
        return found


def _english_forms(lemma: str) -> set[str]:
    forms = {lemma}
    spellings = {lemma}
    for a, b in (("ise", "ize"), ("yse", "yze"), ("isation", "ization")):
        if lemma.endswith(a):
            spellings.add(lemma[: -len(a)] + b)
    for word in spellings:
        base = word[:-1] if word.endswith("e") else word
        forms |= {word, word + "s", word + "es", base + "ed", base + "ing", word + "d"}
        if word.endswith("y"):
            forms |= {word[:-1] + "ies", word[:-1] + "ied"}
        if re.search(r"[^aeiou][aeiou][bdgmnprt]$", word):
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def _stem(lemma: str, lang: str) -> str:
    for ending in _INFINITIVE_ENDINGS.get(lang, ()):
        if lemma.endswith(ending) and len(lemma) > len(ending):
            return lemma[: -len(ending)]
    return lemma


def _add_entry(lexicon: _Lexicon, entry: str, level: int, lang: str) -> None:
    exact_only = entry.startswith("=")
    for alternative in entry.lower().translate(_APOSTROPHES).lstrip("=").split("|"):
        if alternative.endswith("*"):
            lexicon.stems.setdefault(alternative[:-1], set()).add(level)
        elif exact_only:
            lexicon.exact.setdefault(alternative, set()).add(level)
        elif lang == "en":
            for form in _english_forms(alternative):
                lexicon.exact.setdefault(form, set()).add(level)
        else:
            lexicon.exact.setdefault(alternative, set()).add(level)
            stem = _stem(alternative, lang)
            if lang != "ru" and len(stem) >= MIN_STEM:
                lexicon.stems.setdefault(stem, set()).add(level)


@lru_cache(maxsize=1)
def _lexicons() -> dict[str, _Lexicon]:
    text = resources.files("outcome_matcher.text").joinpath("bloom_verbs.yaml").read_text("utf-8")
    data: dict[str, dict[str, list[str]]] = yaml.safe_load(text)
    lexicons: dict[str, _Lexicon] = {}
    for lang, levels in data.items():
        lexicon = lexicons.setdefault(lang, _Lexicon(noun_endings=_NOUN_ENDINGS.get(lang, ())))
        for name, entries in levels.items():
            for entry in entries:
                _add_entry(lexicon, entry, BLOOM_LEVELS.index(name) + 1, lang)
    return lexicons


def _normaliser(lang: str) -> Callable[[str], str]:
    if lang != "ru":
        return lambda word: word
    return lambda word: russian_lemma(word) if re.match(r"[а-яё]", word) else word


def _verb_levels(words: list[str], langs: list[str]) -> list[tuple[str, set[int]]]:
    lexicons = _lexicons()
    found: list[tuple[str, set[int]]] = []
    for word in words:
        for lang in langs:
            lemma = _normaliser(lang)(word)
            levels = lexicons[lang].levels_of(lemma)
            if levels:
                found.append((lemma, levels))
                break
    return found


def _distribution(found: list[tuple[str, set[int]]]) -> list[float]:
    mass = [0.0] * len(BLOOM_LEVELS)
    for position, (_, levels) in enumerate(found):
        # Outcomes lead with their main verb; later matches are often nouns or
        # subordinate clauses ("explains ... object-oriented programming").
        weight = 1.0 / (1 + position)
        for level in levels:
            mass[level - 1] += weight / len(levels)
    total = sum(mass)
    if total == 0:
        return [1.0 / len(BLOOM_LEVELS)] * len(BLOOM_LEVELS)
    return [m / total for m in mass]


def bloom_level(text: str, lang: str | None = None) -> BloomEstimate:
    """Estimate the Bloom level of an outcome from its verbs, sharing a verb across levels.

    `lang` (ISO 639-1) selects the verb list; when None or unknown it is detected, and if
    that fails every list is tried. The n-th verb found weighs 1/n, since outcomes lead
    with their main verb; ties go to the higher level.
    """
    lexicons = _lexicons()
    code = lang if lang in lexicons else detect_language(text)
    langs = [code] if code in lexicons else list(lexicons)
    words = [w.lower() for w in _WORD.findall(text.translate(_APOSTROPHES))]
    found = _verb_levels(words, [c for c in langs if c is not None])
    probs = _distribution(found)
    level = None
    if found:
        best = max(probs)
        level = max(i + 1 for i, p in enumerate(probs) if p == best)
    return BloomEstimate(
        level=level,
        probabilities=(probs[0], probs[1], probs[2], probs[3], probs[4], probs[5]),
        verbs=tuple(dict.fromkeys(v for v, _ in found)),
    )
