"""The lexical signal: BM25 over labels, rank fusion, and the matcher's language gate."""

from __future__ import annotations

import pytest

from outcome_matcher.encoders import Encoder
from outcome_matcher.retrieval.hybrid import HybridRanker
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.lexical import LexicalIndex, rrf, words
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.schemas import Competency, Framework


def test_words_are_casefolded_and_single_letters_dropped() -> None:
    assert words("Use SQL, a query-language!") == ["use", "sql", "query", "language"]


def test_bm25_prefers_the_rare_shared_word() -> None:
    lexical = LexicalIndex(
        ["manage budgets", "manage staff", "use SQL databases", "teach mathematics"]
    )
    assert lexical.top(["write SQL queries"], 3) == [[2]]  # only "sql" matches anything
    ranked = lexical.top(["manage the SQL budget of databases"], 4)[0]
    assert ranked[0] == 2  # two rare words beat one common word
    assert set(ranked) == {0, 1, 2}
    assert lexical.top(["nothing in common"], 4) == [[]]


def test_rrf_rewards_agreement_and_keeps_first_seen_order_on_ties() -> None:
    assert rrf([[1, 2, 3], [2]]) == [2, 1, 3]
    assert rrf([[5, 6], [6, 5]]) == [5, 6]


def _framework() -> Framework:
    names = [
        "maintain relational databases",
        "perform fillet welds",
        "teach mathematics",
        "prepare financial statements",
        "operate forklift",
        "communicate with customers",
    ]
    return Framework(
        name="mini",
        version="1",
        format="csv",
        competencies=tuple(
            Competency(id=f"c:{i}", label=label, alt_labels=(f"{label} tasks",))
            for i, label in enumerate(names)
        ),
    )


def test_matcher_fuses_only_for_statements_in_the_frameworks_language(
    tiny_encoder: Encoder,
) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    assert index.meta.lang == "en"
    dense = Matcher(tiny_encoder, {"mini": index})
    hybrid = Matcher(tiny_encoder, {"mini": index}, lexical=True)
    english = "The learner operates a forklift safely in the warehouse."
    russian = "Студент безопасно управляет вилочным погрузчиком на складе."
    plain = dense.suggest("mini", [english, russian], top_k=6)
    fused = hybrid.suggest("mini", [english, russian], top_k=6)
    # English shares "operate"/"forklift" words with c:4 only, so fusion puts it first
    # whatever the random tiny model thinks; its score is still the embedding cosine.
    assert fused[0][0].competency_id == "c:4"
    cosine = {s.competency_id: s.score for s in plain[0]}
    assert all(s.score == cosine[s.competency_id] for s in fused[0])
    # Russian words cannot match English labels: the ranking is the embeddings' alone.
    assert fused[1] == plain[1]


def test_a_hit_found_only_by_bm25_gets_its_embedding_score_and_evidence(
    tiny_encoder: Encoder,
) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    text = "The learner operates a forklift safely in the warehouse."
    queries = tiny_encoder.encode_queries([text])
    dense_best = index.search(queries, 1)[0][0].competency_id
    # depth 1: only the embeddings' best and BM25's best take part in the fusion.
    hits = HybridRanker(index).rank(queries, [text], 2, depth=1)[0]
    assert {h.competency_id for h in hits} == {dense_best, "c:4"}
    forklift = next(h for h in hits if h.competency_id == "c:4")
    scores, evidence = index.score_competencies(queries, ["c:4"])
    # The same cosine, summed in another order by the ranking's exact scoring: equal to 1e-6.
    assert forklift.score == pytest.approx(float(scores[0, 0]), abs=2e-6)
    assert forklift.evidence == evidence[0][0]
    assert forklift.evidence_kind in {"label", "alt_label"}


def test_label_length_statements_keep_the_embedding_ranking(tiny_encoder: Encoder) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    # Labels are one to three words ("operate forklift", ...): a name is not fused.
    assert HybridRanker(index).sentence_words() <= 3
    dense = Matcher(tiny_encoder, {"mini": index})
    hybrid = Matcher(tiny_encoder, {"mini": index}, lexical=True)
    title = "forklift operator"
    assert LexicalIndex(["operate forklift"]).top([title], 1) == [[0]]  # BM25 would match it
    assert hybrid.suggest("mini", [title], top_k=6) == dense.suggest("mini", [title], top_k=6)
