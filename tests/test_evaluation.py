"""Evaluation: metrics on hand-made rankings, gold loaders on real formats, end-to-end runs."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation import (
    DEV_SETS,
    EscoOptions,
    GoldQuery,
    GoldSet,
    bootstrap,
    evaluate,
    evaluate_command,
    format_markdown,
    format_table,
    load_decorte,
    load_esco_mapping,
    load_jsonl_gold,
    load_melo,
    r_precision_at_k,
    read_report,
    recall_at_k,
    reciprocal_rank,
    run_all_dev_sets,
    select_sets,
    write_report,
)
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index, seed_from_index
from outcome_matcher.evaluation.gold import BA_COLUMNS, VDAB_FR_COLUMNS
from outcome_matcher.evaluation.metrics import Ratio, ranking_ratios, threshold_ratios
from outcome_matcher.retrieval.calibration import Calibration
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.schemas import Competency, Framework

CORPORA = Path("/work/shared/corpora")
needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora not present")
ESCO = "http://data.europa.eu/esco/skill/"

# -- metrics ------------------------------------------------------------------------------


def test_r_precision_when_gold_is_smaller_than_k() -> None:
    ranked = ["a", "x", "b", "y", "z", "c"]
    assert r_precision_at_k(ranked, frozenset({"a", "b"}), 5) == 1.0
    assert r_precision_at_k(ranked, frozenset({"a", "b", "c"}), 5) == pytest.approx(2 / 3)
    assert r_precision_at_k(ranked, frozenset({"q"}), 5) == 0.0


def test_r_precision_when_gold_is_larger_than_k() -> None:
    gold = frozenset(f"g{i}" for i in range(12))
    ranked = ["g0", "x", "g1", "g2", "y", "g3", "g4", "z", "w", "v", "g5"]
    assert r_precision_at_k(ranked, gold, 5) == pytest.approx(3 / 5)
    assert r_precision_at_k(ranked, gold, 10) == pytest.approx(5 / 10)
    assert recall_at_k(ranked, gold, 10) == pytest.approx(5 / 12)


def test_reciprocal_rank_uses_the_first_gold() -> None:
    assert reciprocal_rank(["x", "y", "a", "b"], frozenset({"a", "b"})) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], frozenset({"a"})) == 1.0
    assert reciprocal_rank(["x", "y"], frozenset({"a"})) == 0.0


def test_ranking_metrics_skip_queries_without_gold() -> None:
    ratios = ranking_ratios(
        [["a"], ["b"], ["c"]], [frozenset({"a"}), frozenset(), frozenset({"x"})]
    )
    assert ratios["MRR"].value() == pytest.approx(0.5)
    assert len(ratios["MRR"].num) == 2


def test_threshold_metrics_count_suggestions_for_unmatched_queries() -> None:
    rankings = [[("a", 0.9), ("b", 0.6)], [("c", 0.8)], [("d", 0.4)]]
    golds = [frozenset({"a", "e"}), frozenset(), frozenset({"d"})]
    ratios = threshold_ratios(rankings, golds, 0.5)
    assert ratios["P@thr"].value() == pytest.approx(1 / 3)  # a right; b and c wrong
    assert ratios["R@thr"].value() == pytest.approx(1 / 3)  # a of {a, e, d}


def test_bootstrap_interval_contains_the_estimate_and_is_deterministic() -> None:
    values = np.random.default_rng(1).random(200)
    ratio = Ratio(values, np.ones_like(values))
    first, second = bootstrap(ratio), bootstrap(ratio)
    assert first == second
    assert first.low < first.value < first.high
    assert first.value == pytest.approx(values.mean())
    assert first.n == 200
    assert bootstrap(ratio, seed=7) != first
    assert bootstrap(Ratio(np.zeros(0), np.zeros(0))).n == 0


def test_bootstrap_interval_narrows_with_more_queries() -> None:
    rng = np.random.default_rng(2)
    small, large = rng.random(30), rng.random(3000)
    narrow = bootstrap(Ratio(large, np.ones_like(large)))
    wide = bootstrap(Ratio(small, np.ones_like(small)))
    assert narrow.high - narrow.low < wide.high - wide.low


# -- gold loaders on the real formats ------------------------------------------------------


def _esco_framework() -> Framework:
    labels = ["JavaScript", "Java (computer programming)", "SQL", "show determination"]
    comps = tuple(Competency(id=f"{ESCO}{i}", label=label) for i, label in enumerate(labels))
    return Framework(name="esco", format="esco", competencies=comps)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


DECORTE = (
    "sentence,span,sub_span,label\n"
    "javascript reactjs java,javascript,,JavaScript\n"
    "javascript reactjs java,reactjs,,LABEL NOT PRESENT\n"
    "javascript reactjs java,java,,Java (computer programming)\n"
    "javascript reactjs java,javascript,,JavaScript\n"
    '"Be smart, enthusiastic",smart,,LABEL NOT PRESENT\n'
    "we write sql,sql,,sql\n"
    "we write sql,we,,UNDERSPECIFIED\n"
)


def test_decorte_loader_groups_sentences_and_skips_non_labels(tmp_path: Path) -> None:
    path = _write(tmp_path / "tech_validation_annotations.csv", DECORTE)
    gold = load_decorte(path, _esco_framework(), framework_name="esco")
    assert gold.name == "tech"
    assert [q.text for q in gold.queries] == ["javascript reactjs java", "we write sql"]
    assert gold.queries[0].gold == {f"{ESCO}0", f"{ESCO}1"}
    assert gold.queries[1].gold == {f"{ESCO}2"}  # matched case-insensitively
    assert gold.stats["sentences_without_gold"] == 1
    assert gold.framework == "esco"


BA = (
    "Classification 1 URI,Classification 1 PrefLabel,Classification 2 ID,"
    "Classification 2 PrefLabel,Mapping relation,Editorial note\n"
    f"{ESCO}0,JavaScript,K 1,Programmiersprache JavaScript,skos:exactMatch,\n"
    f"{ESCO}1,Java,K 1,Programmiersprache JavaScript,skos:closeMatch,\n"
    f"{ESCO}2,SQL,K 1,Programmiersprache JavaScript,skos:narrowMatch,\n"
    f"{ESCO}gone,alt,K 2,Datenbanken,skos:closeMatch,\n"
    f"{ESCO}2,SQL,K 3,Datenbanksprachen,skos:broadMatch,\n"
    ",,K 4,Pilzanbau,,no relation\n"
)


def test_ba_mapping_loader_keeps_exact_and_close_and_counts_retired(tmp_path: Path) -> None:
    path = _write(tmp_path / "de_ba.csv.gz", BA)
    known = {c.id for c in _esco_framework().competencies}
    gold = load_esco_mapping(path, BA_COLUMNS, known, name="de_ba")
    by_id = {q.id: q for q in gold.queries}
    assert by_id["K 1"].gold == {f"{ESCO}0", f"{ESCO}1"}
    assert by_id["K 1"].lang == "de"
    assert by_id["K 4"].gold == frozenset()  # "no relation": kept for threshold precision
    assert "K 2" not in by_id and "K 3" not in by_id
    assert gold.stats["gold_not_in_framework"] == 1
    assert gold.n_with_gold == 1
    broad = load_esco_mapping(path, BA_COLUMNS, known, name="b", relations=("broad",))
    assert {q.id: q.gold for q in broad.queries if q.gold} == {"K 3": {f"{ESCO}2"}}


VDAB = (
    "Classification 1 URI,Classification 1 ID,Classification 1 PrefLabel,Classification 1 URL,"
    "Classification 2 URI,Classification 2 ID,Classification 2 PrefLabel FR,"
    "Classification 2 PrefLabel NL,Classification 2 URL,Mapping Relation,Editorial Note\n"
    f"0,,sql,{ESCO}2,u1,KN-1,Langage SQL,SQL-taal,,skos:exactMatch,\n"
    f"3,,doorzetten,{ESCO}3,u2,SO-2,Faire preuve de détermination,Doorzetten,,skos:closeMatch,\n"
)


def test_vdab_mapping_loader_reads_french_statements(tmp_path: Path) -> None:
    path = _write(tmp_path / "vdab.csv.gz", VDAB)
    known = {c.id for c in _esco_framework().competencies}
    gold = load_esco_mapping(path, VDAB_FR_COLUMNS, known, name="be_vdab_fr")
    assert [(q.id, q.text, set(q.gold)) for q in gold.queries] == [
        ("KN-1", "Langage SQL", {f"{ESCO}2"}),
        ("SO-2", "Faire preuve de détermination", {f"{ESCO}3"}),
    ]


def _melo_dir(base: Path) -> Path:
    folder = base / "est_q_et_c_et"
    _write(folder / "queries_dev.tsv", "Q1\triigikogu liige\nQ2\tkokk\nQ3\tpuudub\n")
    _write(
        folder / "annotations_dev.tsv.gz",
        "Q1\t0\tC1_et_000\t1\turi:1\nQ1\t0\tC1_et_001\t1\turi:1\nQ2\t0\tC2_et_000\t1\turi:2\n",
    )
    _write(
        folder / "corpus_elements.tsv.gz",
        "C1_et_000\tparlamendiliige\nC1_et_001\triigikogu liige\n"
        "C2_et_000\tkokk\nC3_et_000\tkeevitaja\n",
    )
    _write(folder / "concept_mapping.tsv.gz", "C1_et_000\turi:1\nC2_et_000\turi:2\n")
    return folder


def test_melo_loader_builds_a_corpus_framework(tmp_path: Path) -> None:
    melo = load_melo(_melo_dir(tmp_path))
    assert melo.gold.name == "melo_est_q_et_c_et"
    assert [q.id for q in melo.gold.queries] == ["Q1", "Q2"]  # Q3 has no annotation
    assert melo.gold.queries[0].gold == {"C1_et_000", "C1_et_001"}
    assert melo.gold.queries[0].lang == "et"
    assert [c.id for c in melo.corpus.competencies][-1] == "C3_et_000"
    assert melo.corpus.competencies[1].label == "riigikogu liige"
    assert melo.gold.framework == melo.corpus.name


def test_jsonl_gold_loader_and_its_errors(tmp_path: Path) -> None:
    good = _write(
        tmp_path / "mine.jsonl",
        '{"id": "a", "text": "design databases", "gold": ["c:db"]}\n\n'
        '{"id": 2, "text": "weld", "gold": [], "lang": "en"}\n',
    )
    gold = load_jsonl_gold(good, framework="mini")
    assert gold.name == "mine"
    assert gold.queries[0] == GoldQuery(id="a", text="design databases", gold=frozenset({"c:db"}))
    assert gold.queries[1].id == "2" and gold.queries[1].lang == "en"
    bad = _write(tmp_path / "bad.jsonl", '{"text": ""}\n[1]\n{"text": "x", "gold": "c:db"}\n')
    with pytest.raises(InputError) as info:
        load_jsonl_gold(bad)
    assert "3 problem(s)" in info.value.message


@needs_corpora
def test_real_dev_files_load_with_the_documented_sizes() -> None:
    from outcome_matcher.evaluation.dev_sets import load_esco_framework, load_esco_sets

    esco = load_esco_framework(CORPORA, ())
    sets = {
        s.name: s for s in load_esco_sets(["tech", "house", "de_ba", "be_vdab_fr"], CORPORA, esco)
    }
    assert (len(sets["tech"].queries), len(sets["house"].queries)) == (75, 61)
    assert sets["tech"].stats["labels_not_in_framework"] == 0
    assert sets["de_ba"].n_with_gold == 2180 and sets["de_ba"].stats["unmatched_queries"] == 576
    assert sets["be_vdab_fr"].n_with_gold == 2339
    assert 0 < sets["de_ba"].stats["gold_not_in_framework"] < 100
    melo = load_melo(CORPORA / "melo_occupation_linking" / "fra_q_fr_c_en")
    assert len(melo.gold.queries) == 723
    assert len(melo.corpus.competencies) == 33580


# -- end to end ----------------------------------------------------------------------------

TINY = Framework(
    name="mini",
    format="csv",
    competencies=(
        Competency(id="c:db", label="design database scheme", alt_labels=("database design",)),
        Competency(id="c:test", label="execute software tests", alt_labels=("software testing",)),
        Competency(id="c:weld", label="perform fillet welds"),
    ),
)


def test_evaluate_with_a_fixed_ranker_gives_exact_metrics(tmp_path: Path) -> None:
    def ranker(framework: str, texts: Sequence[str], k: int) -> list[list[tuple[str, float]]]:
        assert framework == "mini"
        table = {"q1": [("a", 0.9), ("b", 0.5)], "q2": [("x", 0.8), ("b", 0.7)]}
        return [table[t][:k] for t in texts]

    queries = (
        GoldQuery(id="1", text="q1", gold=frozenset({"a"})),
        GoldQuery(id="2", text="q2", gold=frozenset({"b"})),
    )
    report = evaluate([GoldSet(name="s", queries=queries)], ranker, "mini", threshold=0.75)
    metrics = report.sets[0].metrics
    assert metrics["MRR"].value == pytest.approx(0.75)
    assert metrics["RP@5"].value == 1.0
    assert metrics["P@thr"].value == pytest.approx(0.5)  # a right, x wrong
    assert metrics["R@thr"].value == pytest.approx(0.5)
    write_report(report, tmp_path / "r.json")
    assert read_report(tmp_path / "r.json") == report


def test_evaluate_a_matcher_on_a_tiny_framework(tiny_encoder: Encoder) -> None:
    matcher = Matcher(tiny_encoder, {"mini": FrameworkIndex.build(TINY, tiny_encoder)})
    queries = tuple(
        GoldQuery(
            id=c.id, text=c.alt_labels[0] if c.alt_labels else c.label, gold=frozenset({c.id})
        )
        for c in TINY.competencies
    )
    report = evaluate([GoldSet(name="mini-gold", queries=queries)], matcher, "mini")
    result = report.sets[0]
    assert report.fingerprint == tiny_encoder.fingerprint
    assert result.n_queries == 3
    for metric in result.metrics.values():
        assert 0.0 <= metric.low <= metric.value <= metric.high <= 1.0
    assert result.metrics["R@10"].value == 1.0  # only 3 competencies: all are retrieved
    assert "mini-gold" in format_table(report)
    assert format_markdown(report).startswith("| set | n |")


def test_cached_index_encodes_each_passage_once(tiny_encoder: Encoder, tmp_path: Path) -> None:
    caching = CachingEncoder(tiny_encoder, tmp_path / "vectors")
    first, _ = cached_index(TINY, caching, tmp_path / "indexes", fields=("label",))
    assert caching.encoded == 3
    again = CachingEncoder(tiny_encoder, tmp_path / "vectors")
    full, _ = cached_index(TINY, again, tmp_path / "indexes", fields=("label", "alt_label"))
    assert again.encoded == 2  # the labels came from disk
    loaded, _ = cached_index(TINY, again, tmp_path / "indexes", fields=("label",))
    assert loaded.meta == first.meta
    assert full.meta.n_vectors == 5
    np.testing.assert_allclose(loaded.vectors, first.vectors)


def test_seed_from_index_spares_the_second_embedding(tiny_encoder: Encoder, tmp_path: Path) -> None:
    built = FrameworkIndex.build(TINY, tiny_encoder, fields=("label", "alt_label"))
    built.save(tmp_path / "esco-index")
    assert seed_from_index(tmp_path / "esco-index", tmp_path / "vectors") == 5
    assert seed_from_index(tmp_path / "esco-index", tmp_path / "vectors") == 0  # idempotent
    caching = CachingEncoder(tiny_encoder, tmp_path / "vectors")
    index, _ = cached_index(TINY, caching, tmp_path / "indexes", fields=("label", "alt_label"))
    assert caching.encoded == 0
    np.testing.assert_array_equal(index.vectors, built.vectors)


def _tiny_corpora(base: Path) -> Path:
    skills = (
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,status\n"
        + "".join(
            f"KnowledgeSkillCompetence,{c.id},skill/competence,,{c.label},,released\n"
            for c in _esco_framework().competencies
        )
    )
    _write(base / "esco_v1.1.1_en" / "skills_en.csv", skills)
    decorte = base / "decorte_skill_extraction"
    _write(decorte / "tech_validation_annotations.csv", DECORTE)
    _write(base / "competence_to_esco_skill" / "de_ba_kompetenzen_esco_dev.csv.gz", BA)
    _melo_dir(base / "melo_occupation_linking")
    return base


def test_run_dev_sets_end_to_end_on_tiny_corpora(tiny_encoder: Encoder, tmp_path: Path) -> None:
    corpora = _tiny_corpora(tmp_path / "corpora")
    settings = Settings(data_dir=tmp_path / "data")
    names = ["tech", "de_ba", "melo_est_q_et_c_et"]
    run = run_all_dev_sets(
        settings, corpora, sets=names, esco=EscoOptions(other_langs=()), encoder=tiny_encoder
    )
    assert [s.name for s in run.sets] == names
    assert [s.n_queries for s in run.sets] == [2, 1, 2]
    assert run.sets[1].n_unmatched == 1
    assert set(run.index_seconds) == {"esco", "corpus:melo_est_q_et_c_et"}
    assert (tmp_path / "data" / "evaluation" / "indexes").is_dir()
    again = run_all_dev_sets(
        settings, corpora, sets=names, esco=EscoOptions(other_langs=()), encoder=tiny_encoder
    )
    assert [s.metrics for s in again.sets] == [s.metrics for s in run.sets]


def test_select_sets_accepts_groups_and_short_melo_names() -> None:
    assert select_sets(None) == list(DEV_SETS)
    assert select_sets(["house", "tech"]) == ["tech", "house"]
    assert select_sets(["est_q_et_c_en"]) == ["melo_est_q_et_c_en"]
    assert len(select_sets(["melo"])) == 8
    with pytest.raises(InputError):
        select_sets(["nope"])


def test_evaluate_command_needs_a_framework_for_user_gold(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", json.dumps({"id": 1, "text": "t", "gold": []}) + "\n")
    with pytest.raises(InputError, match="--framework"):
        evaluate_command(Settings(data_dir=tmp_path), None, gold, None, None)


def test_evaluation_command_rejects_bad_fields_and_missing_seed_index(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from outcome_matcher.cli import app

    env = {"OUTCOME_MATCHER_DATA_DIR": str(tmp_path)}
    bad_fields = CliRunner().invoke(app, ["evaluate", "--fields", "alt_label"], env=env)
    assert bad_fields.exit_code == 2
    assert "fields must include label" in bad_fields.stderr
    no_index = CliRunner().invoke(
        app, ["evaluate", "--seed-index", str(tmp_path / "nowhere")], env=env
    )
    assert no_index.exit_code == 2
    assert "no index at" in " ".join(no_index.stderr.split())
    assert not (tmp_path / "evaluation").exists()  # nothing written before the error


def test_the_module_entry_point_takes_the_old_sets_spelling() -> None:
    from outcome_matcher.evaluation.__main__ import _repeated_sets

    assert _repeated_sets(["--sets", "tech", "house", "--markdown"]) == [
        "--sets",
        "tech",
        "--sets",
        "house",
        "--markdown",
    ]


def test_calibrated_evaluation_thresholds_confidence_and_adds_reliability(
    tiny_encoder: Encoder,
) -> None:
    calibration = Calibration(
        "tiny",
        (0.0, -50.0, -1.0),
        1.0,
        threshold=0.0,
        min_confidence=0.6,
        features=("score", "gap", "log_rank"),
        fit_sets=("fit-gold",),
    )
    index = FrameworkIndex.build(TINY, tiny_encoder)
    matcher = Matcher(tiny_encoder, {"mini": index}, calibration=calibration)
    queries = tuple(
        GoldQuery(id=c.id, text=c.label, gold=frozenset({c.id})) for c in TINY.competencies
    )
    sets = [GoldSet(name=n, queries=queries) for n in ("fit-gold", "other-gold")]
    report = evaluate(sets, matcher, "mini", calibrated=True)
    assert report.threshold == 0.6 and report.threshold_on == "confidence"
    fit, other = report.sets
    assert fit.reliability is not None and fit.reliability.fit_data
    assert other.reliability is not None and not other.reliability.fit_data
    # 3 queries x 3 competencies: every candidate lands in a bin.
    assert sum(b.n for b in other.reliability.bins) == 9
    assert 0.0 <= other.reliability.ece <= 1.0
    assert {"P@thr", "R@thr"} <= set(other.metrics)
    text = " ".join(format_table(report).split())  # rich wraps long titles
    assert "reliability of the top-10 candidates" in text and "fit data" in text
    with pytest.raises(InputError, match="calibration"):
        evaluate(sets, Matcher(tiny_encoder, {"mini": index}), "mini", calibrated=True)
