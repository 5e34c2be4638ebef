"""The lexical signal: BM25 over labels, rank fusion, and the matcher's language gate."""

from __future__ import annotations

from outcome_matcher.embedding import Encoder
from outcome_matcher.index import FrameworkIndex
from outcome_matcher.lexical import LexicalIndex, rrf, words
from outcome_matcher.matching import Matcher
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
