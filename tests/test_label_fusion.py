"""Labels in the users' languages: row languages in the index, fusion by the mean of cosines,
and BM25 that reads Russian lemmas and Kazakh/Uzbek character n-grams."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError
from outcome_matcher.retrieval.hybrid import HybridRanker
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.label_fusion import ALL_ROWS, plan
from outcome_matcher.retrieval.lexical import LexicalIndex, lemmas, ngrams, parse_analyzers
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.schemas import Competency, Framework

FRAMEWORK = Framework(
    name="mini",
    format="esco",
    competencies=(
        Competency(
            id="c:db",
            label="design database scheme",
            alt_labels=("database design",),
            labels_by_lang={
                "ru": ("проектировать схему базы данных",),
                "kk": ("дерекқор схемасын жобалау",),
            },
        ),
        Competency(
            id="c:test",
            label="execute software tests",
            labels_by_lang={"ru": ("выполнять тестирование программного обеспечения",)},
        ),
        Competency(id="c:weld", label="perform fillet welds"),
    ),
)


def _brute_force(index: FrameworkIndex, query: np.ndarray, lang: str) -> dict[str, float]:
    """The documented rule, computed row by row: mean of best own and best `lang` cosine."""
    sims = index.vectors @ query
    out: dict[str, float] = {}
    for pos, cid in enumerate(index.competency_ids):
        rows = [r for r in range(len(sims)) if index._row_competency[r] == pos]
        own = max(float(sims[r]) for r in rows if index.row_lang[r] == "en")
        theirs = [float(sims[r]) for r in rows if index.row_lang[r] == lang]
        out[cid] = (own + max(theirs)) / 2 if theirs else own
    return out


def test_rows_record_their_language_and_keep_it_on_disk(
    tiny_encoder: Encoder, tmp_path: Path
) -> None:
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    assert index.fused_languages == ("kk", "ru")
    langs = dict(zip(index.row_texts, index.row_lang, strict=True))
    assert langs["design database scheme"] == "en"
    assert langs["дерекқор схемасын жобалау"] == "kk"
    index.save(tmp_path / "idx")
    assert FrameworkIndex.load(tmp_path / "idx").row_lang == index.row_lang
    # An index saved before languages were recorded: own rows in the framework's language.
    rows = json.loads((tmp_path / "idx" / "rows.json").read_text("utf-8"))
    del rows["lang"]
    (tmp_path / "idx" / "rows.json").write_text(json.dumps(rows), "utf-8")
    old = FrameworkIndex.load(tmp_path / "idx")
    assert old.fused_languages == ()
    assert {
        lang
        for lang, kind in zip(old.row_lang, rows["kind"], strict=True)
        if kind == "other_lang_label"
    } == {""}


def test_a_query_in_a_labelled_language_scores_the_mean_of_two_cosines(
    tiny_encoder: Encoder,
) -> None:
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    query = tiny_encoder.encode_queries(["проектировать базы данных"])
    hits = index.search_languages(query, ["ru"], 3)[0]
    expected = _brute_force(index, query[0], "ru")
    assert {h.competency_id: h.score for h in hits} == pytest.approx(expected, abs=1e-5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    db = next(h for h in hits if h.competency_id == "c:db")
    assert db.evidence == "проектировать схему базы данных"  # shown in the user's language
    missing = index.scored_hits(query, ["c:weld", "c:db"], "ru")
    assert [h.score for h in missing] == pytest.approx(
        [expected["c:weld"], expected["c:db"]], abs=1e-5
    )


def test_own_language_queries_ignore_other_languages_and_others_keep_every_row(
    tiny_encoder: Encoder,
) -> None:
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    assert plan("en", "en", index.fused_languages) == ""
    assert plan("et", "en", index.fused_languages) == ALL_ROWS
    assert plan(None, "en", index.fused_languages) == ALL_ROWS
    query = tiny_encoder.encode_queries(["database design"])
    english = index.search_languages(query, ["en"], 3)[0]
    assert all(h.evidence_kind != "other_lang_label" for h in english)
    unknown = index.search_languages(query, [None], 3)[0]
    assert [(h.competency_id, h.score) for h in unknown] == [
        (h.competency_id, h.score) for h in index.search(query, 3)[0]
    ]


def test_matcher_routes_each_statement_by_its_detected_language(tiny_encoder: Encoder) -> None:
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    fused = Matcher(tiny_encoder, {"mini": index}, label_fusion=True)
    texts = ["проектировать схему базы данных для учёта", "design a database scheme"]
    rows = fused.suggest("mini", texts, 3)
    queries = tiny_encoder.encode_queries(texts)
    # Each row as its language's plan scores it alone; to 2e-6, because a two-row product
    # may round the 7th digit differently from a one-row product on some CPUs.
    for row, query, lang in ((rows[0], queries[:1], "ru"), (rows[1], queries[1:], "en")):
        alone = index.search_languages(query, [lang], 3)[0]
        assert {s.competency_id for s in row} == {h.competency_id for h in alone}
        assert [s.score for s in row] == pytest.approx([h.score for h in alone], abs=2e-6)


# -- morphology-aware BM25 -----------------------------------------------------------------


def test_russian_lemmas_match_across_inflections() -> None:
    assert lemmas("Проектирование баз данных") == lemmas("проектирование базы данных")
    index = LexicalIndex(["база данных", "сварка"], lemmas)
    assert index.top(["администрирует базами данных"], 2) == [[0]]
    plain = LexicalIndex(["база данных", "сварка"])
    assert plain.top(["администрирует базами"], 2) == [[]]


def test_character_ngrams_match_agglutinated_kazakh_words() -> None:
    four = ngrams(4)
    assert "<дер" in four("дерекқор") and four("ab") == ["<ab>"]
    index = LexicalIndex(["дерекқор схемасын жобалау", "дәнекерлеу"], four)
    assert index.top(["дерекқорларының схемаларын"], 2)[0][0] == 0


def test_parse_analyzers_names_the_bad_part() -> None:
    assert parse_analyzers("ru=lemma, kk=ngram4") == {"ru": "lemma", "kk": "ngram4"}
    assert parse_analyzers("") == {}
    with pytest.raises(InputError, match="kk=porter"):
        parse_analyzers("ru=lemma,kk=porter")


def test_hybrid_reads_other_language_labels_only_when_asked(tiny_encoder: Encoder) -> None:
    index = FrameworkIndex.build(FRAMEWORK, tiny_encoder)
    own_only = HybridRanker(index)
    both = HybridRanker(index, analyzers={"ru": "lemma"}, other_languages=True)
    assert own_only.lexical_languages() == ("en",)
    assert both.lexical_languages() == ("en", "ru")  # kk has labels but no analyzer
    documents = index.lexical_documents("ru")
    assert documents[0] == "проектировать схему базы данных" and documents[2] == ""
    found = both.lexical_index("ru").top(["спроектировал схемы баз данных"], 3)[0]
    assert found[0] == 0


def test_frameworks_add_indexes_the_bundled_labels_of_esco_by_default(tmp_path: Path) -> None:
    from outcome_matcher.cli.frameworks import _label_files

    bundled = _label_files("esco", None, True)
    assert bundled is not None
    assert [p.parent.name for p in bundled] == ["esco_multilingual_labels", "esco_labels_ru_kk_uz"]
    assert _label_files("esco", None, False) is None
    assert _label_files("csv", None, True) is None
    assert _label_files("esco", [tmp_path / "mine.csv"], True) == [tmp_path / "mine.csv"]
