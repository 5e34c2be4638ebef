"""Baselines reported beside the default ranking: BM25 alone, and embeddings of labels only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from outcome_matcher.evaluation.runner import Ranking
from outcome_matcher.retrieval.hybrid import HybridRanker
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.schemas import Framework
from outcome_matcher.text import detect_language

BM25 = "bm25"
LABEL_ONLY = "label-only"
LABEL_ONLY_FIELDS = ("label",)


class LexicalRanker:
    """BM25 alone, as the default's lexical signal reads a statement, without the sentence
    gate: over the labels in the statement's language when the index has them, else over the
    framework's own texts. Scores are 1 / rank (BM25 scores are not comparable across sets)."""

    def __init__(
        self,
        indexes: Mapping[str, FrameworkIndex],
        *,
        analyzers: Mapping[str, str],
        other_languages: bool,
    ) -> None:
        self.rankers = {
            name: HybridRanker(index, analyzers=analyzers, other_languages=other_languages)
            for name, index in indexes.items()
        }

    def __call__(self, framework: str, texts: Sequence[str], k: int) -> list[Ranking]:
        ranker = self.rankers[framework]
        ids = ranker.index.competency_ids
        out: list[Ranking] = []
        for text in texts:
            lang = detect_language(text)
            if lang not in ranker.lexical_languages():
                lang = ranker.index.meta.lang
            found = ranker.lexical_index(lang).top([text], k)[0]
            out.append([(ids[p], 1.0 / rank) for rank, p in enumerate(found, start=1)])
        return out


def labels_only(framework: Framework) -> Framework:
    """The framework without its other-language labels (the label-only baseline's index)."""
    competencies = tuple(
        c.model_copy(update={"labels_by_lang": {}}) for c in framework.competencies
    )
    return framework.model_copy(update={"competencies": competencies})
