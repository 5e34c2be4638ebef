"""Hybrid ranking: the dense ranking fused with BM25 over the labels, for sentences only.

Only sentences in the framework's own language get the lexical signal: statements longer
than `sentence_words` (nearly every label is shorter). Names and titles, which the
embeddings match well and where BM25 rewards any shared word, and statements in other
languages are ranked by the embeddings alone. A hit keeps its embedding score and evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from outcome_matcher.retrieval.index import FrameworkIndex, Hit
from outcome_matcher.retrieval.lexical import LexicalIndex, rrf, words
from outcome_matcher.text import detect_language

# How deep each ranking goes before fusion.
DEPTH = 100


class HybridRanker:
    """Ranks one framework's competencies; the BM25 index is built on first use."""

    def __init__(self, index: FrameworkIndex) -> None:
        self.index = index
        self._lexical: LexicalIndex | None = None
        self._sentence_words: int | None = None

    def sentence_words(self) -> int:
        """Word count that 95% of the preferred labels do not exceed: longer is a sentence."""
        if self._sentence_words is None:
            counts = [len(words(label)) for label in self.index.competency_labels]
            self._sentence_words = int(np.percentile(counts, 95)) if counts else 0
        return self._sentence_words

    def gets_lexical(self, text: str) -> bool:
        """A sentence in the framework's own language (BM25 words only match within one)."""
        return len(words(text)) > self.sentence_words() and (
            detect_language(text) == self.index.meta.lang
        )

    def rank(
        self, queries: np.ndarray, texts: Sequence[str], k: int, *, depth: int = DEPTH
    ) -> list[list[Hit]]:
        """Top-k hits per query: fused for sentences in the framework's language, else dense."""
        dense = self.index.search(queries, max(k, depth))
        out = [row[:k] for row in dense]
        same = [i for i, text in enumerate(texts) if self.gets_lexical(text)]
        if not same:
            return out
        lexical = self._lexical_index().top([texts[i] for i in same], depth)
        for i, found in zip(same, lexical, strict=True):
            out[i] = self._fused(queries[i : i + 1], dense[i], found, k)
        return out

    def _fused(self, query: np.ndarray, dense: list[Hit], lexical: list[int], k: int) -> list[Hit]:
        by_id = {h.competency_id: h for h in dense}
        ids = self.index.competency_ids
        fused = rrf([list(by_id), [ids[p] for p in lexical]])[:k]
        missing = [cid for cid in fused if cid not in by_id]
        by_id.update({h.competency_id: h for h in self.index.scored_hits(query, missing)})
        return [by_id[cid] for cid in fused]

    def _lexical_index(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex(self.index.lexical_documents())
        return self._lexical
