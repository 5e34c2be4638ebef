"""Hybrid ranking: the dense ranking fused with BM25 over the labels, for sentences only.

Only sentences get the lexical signal: statements longer than `sentence_words` (nearly every
label is shorter). Names and titles, which the embeddings match well and where BM25 rewards
any shared word, are ranked by the embeddings alone. Words only match within one language:
a sentence in the framework's language is matched against the framework's own texts, one in
a language the index has labels in (ESCO's Russian labels, say) against those labels, each
language with its own analyzer (Russian lemmas, character n-grams: lexical.ANALYZERS). A hit
keeps its embedding score and evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from outcome_matcher.retrieval.index import FrameworkIndex, Hit
from outcome_matcher.retrieval.lexical import LexicalIndex, analyzer_for, rrf, words
from outcome_matcher.text import detect_language

# How deep each ranking goes before fusion.
DEPTH = 100


class HybridRanker:
    """Ranks one framework's competencies; each language's BM25 index is built on first use.

    `analyzers` names the analyzer per language (lexical.parse_analyzers); others: words.
    With `other_languages`, sentences in the languages of the index's other-language labels
    get BM25 over those labels; without, only sentences in the framework's language do.
    """

    def __init__(
        self,
        index: FrameworkIndex,
        *,
        analyzers: Mapping[str, str] | None = None,
        other_languages: bool = False,
        sentences_only: bool = True,
    ) -> None:
        self.index = index
        self.analyzers = dict(analyzers or {})
        self.other_languages = other_languages
        # False: every statement in an indexed language gets BM25 (measured, not the default).
        self.sentences_only = sentences_only
        self._lexical: dict[str, LexicalIndex] = {}
        self._sentence_words: int | None = None

    def sentence_words(self) -> int:
        """Word count that 95% of the preferred labels do not exceed: longer is a sentence."""
        if self._sentence_words is None:
            counts = [len(words(label)) for label in self.index.competency_labels]
            self._sentence_words = int(np.percentile(counts, 95)) if counts else 0
        return self._sentence_words

    def lexical_languages(self) -> tuple[str, ...]:
        """The framework's language, and with `other_languages` those of its other-language
        labels that have an analyzer configured (plain-word BM25 over partial French labels
        cost VDAB 0.025 MRR: docs/evaluation.md)."""
        own = (self.index.meta.lang,)
        if not self.other_languages:
            return own
        return own + tuple(lang for lang in self.index.fused_languages if lang in self.analyzers)

    def gets_lexical(self, text: str, lang: str | None = None) -> bool:
        """A sentence in a language the index has texts in (BM25 words only match within one)."""
        if self.sentences_only and len(words(text)) <= self.sentence_words():
            return False
        return (lang or detect_language(text)) in self.lexical_languages()

    def rank(
        self,
        queries: np.ndarray,
        texts: Sequence[str],
        k: int,
        *,
        depth: int = DEPTH,
        langs: Sequence[str | None] | None = None,
        by_language: bool = False,
    ) -> list[list[Hit]]:
        """Top-k hits per query: fused for sentences in an indexed language, else dense.

        `langs` are the statements' languages (detected when not given); with `by_language`
        the dense ranking is the index's `search_languages` (label fusion), else `search`.
        """
        if langs is None:
            langs = [detect_language(t) for t in texts]
        n = max(k, depth)
        dense = (
            self.index.search_languages(queries, langs, n)
            if by_language
            else self.index.search(queries, n)
        )
        out = [row[:k] for row in dense]
        for i, text in enumerate(texts):
            lang = langs[i]
            if lang is None or not self.gets_lexical(text, lang):
                continue
            found = self.lexical_index(lang).top([text], depth)[0]
            score_lang = lang if by_language else None
            out[i] = self._fused(queries[i : i + 1], dense[i], found, k, score_lang)
        return out

    def _fused(
        self,
        query: np.ndarray,
        dense: list[Hit],
        lexical: list[int],
        k: int,
        lang: str | None,
    ) -> list[Hit]:
        by_id = {h.competency_id: h for h in dense}
        ids = self.index.competency_ids
        fused = rrf([list(by_id), [ids[p] for p in lexical]])[:k]
        missing = [cid for cid in fused if cid not in by_id]
        by_id.update({h.competency_id: h for h in self.index.scored_hits(query, missing, lang)})
        return [by_id[cid] for cid in fused]

    def lexical_index(self, lang: str) -> LexicalIndex:
        """The BM25 index of one language: the own texts, or that language's labels."""
        if lang not in self._lexical:
            documents = self.index.lexical_documents(None if lang == self.index.meta.lang else lang)
            self._lexical[lang] = LexicalIndex(documents, analyzer_for(lang, self.analyzers))
        return self._lexical[lang]
