"""A lexical signal beside the embeddings: BM25 over each competency's labels, fused by RRF.

Short skill labels often share exact words with a statement ("SQL", "budget"), which a small
multilingual encoder blurs. BM25 (Robertson's k1 = 1.2, b = 0.75) scores those overlaps and
reciprocal rank fusion (Cormack et al. 2009, k = 60) merges the two rankings without a weight
to tune. Words only match within one language, so the caller applies it only to statements in
the framework's own language.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from scipy import sparse

from outcome_matcher.errors import InputError
from outcome_matcher.text.morphology import char_ngrams, russian_lemma

K1 = 1.2
B = 0.75
RRF_K = 60
T = TypeVar("T", bound=Hashable)
_WORD = re.compile(r"\w+", re.UNICODE)


Analyzer = Callable[[str], list[str]]


def words(text: str) -> list[str]:
    """Lower-cased word tokens of two or more characters."""
    return [w for w in _WORD.findall(text.casefold()) if len(w) > 1]


def lemmas(text: str) -> list[str]:
    """Words as Russian dictionary forms (other words unchanged)."""
    return [russian_lemma(w) for w in words(text)]


def ngrams(n: int) -> Analyzer:
    """Words as their character n-grams (see text.morphology.char_ngrams)."""
    return lambda text: [g for w in words(text) for g in char_ngrams(w, n)]


def stems(n: int) -> Analyzer:
    """Words cut to their first n characters."""
    return lambda text: [w[:n] for w in words(text)]


ANALYZERS: dict[str, Analyzer] = {
    "words": words,
    "lemma": lemmas,
    "ngram3": ngrams(3),
    "ngram4": ngrams(4),
    "ngram5": ngrams(5),
    "stem5": stems(5),
}


def parse_analyzers(value: str) -> dict[str, str]:
    """`ru=lemma,kk=ngram4` as {language: analyzer name}; other languages get plain words."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        lang, _, name = part.partition("=")
        if not lang.strip() or name.strip() not in ANALYZERS:
            raise InputError(
                f"expected language=analyzer with an analyzer among {', '.join(ANALYZERS)}; "
                f"got {part!r}",
                field="lexical_analyzers",
            )
        out[lang.strip()] = name.strip()
    return out


def analyzer_for(lang: str, chosen: Mapping[str, str]) -> Analyzer:
    return ANALYZERS[chosen.get(lang, "words")]


class LexicalIndex:
    """BM25 over one document per competency (its label and alternative labels)."""

    def __init__(self, documents: Sequence[str], analyze: Analyzer = words) -> None:
        self.analyze = analyze
        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for pos, document in enumerate(documents):
            tokens = Counter(analyze(document))
            lengths[pos] = sum(tokens.values())
            for word, n in tokens.items():
                rows.append(pos)
                cols.append(self.vocabulary.setdefault(word, len(self.vocabulary)))
                counts.append(n)
        n_docs, n_words = len(documents), len(self.vocabulary)
        tf = np.asarray(counts, dtype=np.float32)
        col = np.asarray(cols, dtype=np.int64)
        row = np.asarray(rows, dtype=np.int64)
        df = np.bincount(col, minlength=n_words)
        idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        mean_length = float(lengths.mean()) if n_docs else 1.0
        norm = K1 * (1 - B + B * lengths[row] / max(mean_length, 1e-9))
        weights = tf * (K1 + 1) / (tf + norm) * idf[col]
        # words x documents, so that a query's word indicator row times it gives BM25 per doc.
        self._weights = sparse.csr_matrix((weights, (col, row)), shape=(n_words, n_docs))

    def top(self, texts: Sequence[str], n: int) -> list[list[int]]:
        """Per text, the positions of the best-scoring documents (score > 0), best first."""
        query = sparse.lil_matrix((len(texts), len(self.vocabulary)), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in set(self.analyze(text)):
                j = self.vocabulary.get(word)
                if j is not None:
                    query[i, j] = 1.0
        scores = (query.tocsr() @ self._weights).toarray()
        out: list[list[int]] = []
        for row in scores:
            order = np.argsort(-row, kind="stable")[:n]
            out.append([int(p) for p in order if row[p] > 0])
        return out


def rrf(rankings: Sequence[Sequence[T]], k: int = RRF_K) -> list[T]:
    """Reciprocal rank fusion of several rankings of the same items, best first (ties: first
    seen)."""
    fused: dict[T, float] = {}
    for ranking in rankings:
        for rank, pos in enumerate(ranking):
            fused[pos] = fused.get(pos, 0.0) + 1.0 / (k + rank + 1)
    return sorted(fused, key=lambda p: -fused[p])
