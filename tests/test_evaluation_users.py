"""Dev sets in the users' languages (xl-tech, ru-ps-tf, ru-titles): loading, gold, errors, runs."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation import EscoOptions, format_markdown, run_all_dev_sets, select_sets
from outcome_matcher.evaluation.users_sets import (
    XL_TECH_SETS,
    load_ps_tf,
    load_ps_titles,
    load_xl_tech,
    read_dev_standards,
    read_translated,
    work_functions_framework,
)
from outcome_matcher.frameworks import load_esco_occupations
from outcome_matcher.schemas import Competency, Framework

REPO_CORPORA = Path(__file__).resolve().parents[1] / "corpora"
ESCO = "http://data.europa.eu/esco/skill/"
DECORTE = (
    "sentence,span,sub_span,label\n"
    "javascript reactjs java,javascript,,JavaScript\n"
    "javascript reactjs java,java,,Java (computer programming)\n"
    "we write sql every day,sql,,SQL\n"
    '"Be smart, enthusiastic",smart,,LABEL NOT PRESENT\n'
)
TRANSLATIONS = {
    "en": "v000\tjavascript reactjs java\nv001\twe write sql every day\n",
    "ru": "v000\tjavascript reactjs и java\nv001\tмы каждый день пишем на sql\n",
    "kk": "v000\tjavascript reactjs және java\nv001\tбіз күн сайын sql жазамыз\n",
    "uz": "v000\tjavascript reactjs va java\nv001\tbiz har kuni sql yozamiz\n",
}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _esco() -> Framework:
    labels = ["JavaScript", "Java (computer programming)", "SQL", "show determination"]
    comps = tuple(Competency(id=f"{ESCO}{i}", label=label) for i, label in enumerate(labels))
    return Framework(name="esco", format="esco", competencies=comps)


def _xl_corpora(base: Path) -> Path:
    _write(base / "decorte_skill_extraction" / "tech_validation_annotations.csv", DECORTE)
    for lang, text in TRANSLATIONS.items():
        _write(base / "translated_tech_dev" / f"{lang}.tsv", text)
    return base


# -- xl-tech -------------------------------------------------------------------------------


def test_xl_tech_gives_each_translation_the_english_gold(tmp_path: Path) -> None:
    corpora = _xl_corpora(tmp_path)
    sets = load_xl_tech(
        corpora / "translated_tech_dev",
        corpora / "decorte_skill_extraction" / "tech_validation_annotations.csv",
        _esco(),
        "esco",
    )
    assert [s.name for s in sets] == list(XL_TECH_SETS)
    by_name = {s.name: s for s in sets}
    assert by_name["xl-tech-en"].reference is None
    assert by_name["xl-tech-kk"].reference == "xl-tech-en"
    ru = by_name["xl-tech-ru"].queries
    assert [q.id for q in ru] == ["v000", "v001"] and ru[1].lang == "ru"
    assert ru[0].gold == frozenset({f"{ESCO}0", f"{ESCO}1"})
    assert ru[1].gold == frozenset({f"{ESCO}2"})


def test_translated_file_errors_name_file_and_row(tmp_path: Path) -> None:
    bad = _write(tmp_path / "ru.tsv", "v000\tодин\nv001 без табуляции\n")
    with pytest.raises(InputError) as info:
        read_translated(bad)
    assert info.value.context["row"] == 2 and str(bad) in info.value.message
    dup = _write(tmp_path / "kk.tsv", "v000\tбір\nv000\tекі\n")
    with pytest.raises(InputError, match="duplicate id"):
        read_translated(dup)


def test_xl_tech_refuses_an_unknown_sentence_or_id(tmp_path: Path) -> None:
    corpora = _xl_corpora(tmp_path)
    decorte = corpora / "decorte_skill_extraction" / "tech_validation_annotations.csv"
    folder = corpora / "translated_tech_dev"
    _write(folder / "en.tsv", "v000\tjavascript reactjs java\nv001\tnot a TECH sentence\n")
    with pytest.raises(InputError) as info:
        load_xl_tech(folder, decorte, _esco(), "esco")
    assert info.value.context["row"] == 2 and info.value.context["field"] == "sentence"
    _write(folder / "en.tsv", TRANSLATIONS["en"])
    _write(folder / "uz.tsv", "v000\tjavascript\nv999\tsql\n")
    with pytest.raises(InputError, match="v999"):
        load_xl_tech(folder, decorte, _esco(), "esco")


# -- professional standards ----------------------------------------------------------------


def test_ps_tf_queries_are_labour_actions_and_skills_with_their_work_function() -> None:
    records = read_dev_standards(REPO_CORPORA / "ru_professional_standards", codes=("06.001",))
    framework = work_functions_framework(records)
    gold = load_ps_tf(records)
    ids = {c.id for c in framework.competencies}
    assert len(ids) == gold.stats["work_functions"] == 15
    assert all(c.texts == () and c.lang == "ru" for c in framework.competencies)
    assert gold.queries and all(q.gold and q.gold <= ids for q in gold.queries)
    items = {
        t.text.casefold()
        for r in records
        for u in r.units
        for f in u.functions
        for t in f.texts
        if t.kind in ("labour_action", "skill")
    }
    assert {q.text.casefold() for q in gold.queries} == items  # no knowledge item is a query
    assert len(gold.queries) == gold.stats["distinct_queries"] <= gold.stats["items"]


def test_read_dev_standards_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \.xml files"):
        read_dev_standards(tmp_path)
    shutil.copy(
        REPO_CORPORA / "ru_professional_standards" / "ProfessionalStandarts_4.xml", tmp_path
    )
    with pytest.raises(InputError, match=r"06\.026") as info:
        read_dev_standards(tmp_path, codes=("06.001", "06.026"))
    assert str(tmp_path) in info.value.message


def test_ps_titles_use_only_isco_08_editions_and_their_groups() -> None:
    records = read_dev_standards(
        REPO_CORPORA / "ru_professional_standards", codes=("06.001", "06.026")
    )
    groups = sorted({c for r in records for u in r.units for c in u.isco_codes})
    occupations = Framework(
        name="occ",
        format="esco",
        competencies=tuple(
            Competency(id=f"occ:{g}", label=f"occupation {g}", unit=g) for g in groups
        ),
    )
    gold = load_ps_titles(records, occupations, "occ")
    assert gold.stats["units_isco_88"] == 4  # 06.001 (2013) carries ОК 010-93 codes
    assert gold.queries and gold.extra_metrics == ("Acc@1",)
    isco_08 = {
        t.casefold() for r in records if r.code == "06.026" for u in r.units for t in u.job_titles
    }
    assert {q.text.casefold() for q in gold.queries} <= isco_08
    assert all(q.gold and all(g.startswith("occ:") for g in q.gold) for q in gold.queries)


def test_esco_occupations_load_with_isco_group_and_translated_labels() -> None:
    occupations = load_esco_occupations(
        REPO_CORPORA / "esco_v1.1.1_en",
        extra_labels=REPO_CORPORA / "esco_labels_ru_kk_uz" / "esco_labels_ru_kk_uz.csv.gz",
    )
    assert len(occupations.competencies) == 3007
    first = occupations.competencies[0]
    assert first.unit is not None and len(first.unit) == 4
    assert set(first.labels_by_lang) == {"ru", "kk", "uz"}


# -- runs ----------------------------------------------------------------------------------


def test_select_sets_knows_the_users_groups() -> None:
    assert select_sets(["xl-tech"]) == list(XL_TECH_SETS)
    assert select_sets(["users"]) == [*XL_TECH_SETS, "ru-ps-tf", "ru-titles"]


def test_xl_tech_run_reports_ratios_and_baselines(tiny_encoder: Encoder, tmp_path: Path) -> None:
    corpora = _xl_corpora(tmp_path / "corpora")
    skills = (
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,status\n"
        + "".join(
            f"KnowledgeSkillCompetence,{c.id},skill/competence,,{c.label},,released\n"
            for c in _esco().competencies
        )
    )
    _write(corpora / "esco_v1.1.1_en" / "skills_en.csv", skills)
    labels = "conceptType,conceptUri,lang,label,labelType\n" + "".join(
        f"skill,{c.id},ru,{c.label} ру,preferred\n" for c in _esco().competencies
    )
    _write(corpora / "esco_labels_ru_kk_uz" / "esco_labels_ru_kk_uz.csv.gz", labels)
    settings = Settings(data_dir=tmp_path / "data")
    report = run_all_dev_sets(
        settings,
        corpora,
        sets=["xl-tech"],
        esco=EscoOptions(),
        encoder=tiny_encoder,
        baselines=True,
    )
    rows = [(s.name, s.system) for s in report.sets]
    assert rows == [
        (n, system) for system in ("default", "bm25", "label-only") for n in XL_TECH_SETS
    ]
    en, ru = report.sets[0], report.sets[1]
    assert "MRR/ref" not in en.metrics
    ratio = ru.metrics["MRR/ref"]
    assert ratio.value == pytest.approx(ru.metrics["MRR"].value / en.metrics["MRR"].value)
    assert ratio.low <= ratio.value <= ratio.high
    assert report.config["esco_other_langs"] == "all"
    assert "| xl-tech-ru [bm25] |" in format_markdown(report)
