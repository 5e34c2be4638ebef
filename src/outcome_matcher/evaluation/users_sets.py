"""Dev sets in the users' languages: translated TECH, professional standards, job titles.

- `xl-tech-<lang>`: the 75 TECH validation sentences in en, ru, kk, uz (translated_tech_dev)
  with the English sentence's ESCO gold; each non-English set is paired with `xl-tech-en` for
  its ratio to English.
- `ru-ps-tf`: each labour action and required skill of the dev professional standards as a
  query, its work function (ТФ, by name) as the gold among all ТФ of those standards.
- `ru-titles`: the possible job titles of the editions approved from July 2015 on (their ОКЗ
  codes are ISCO-08) against ESCO occupations; gold = the occupations of the listed ISCO-08
  unit groups (weak labels), with top-1 accuracy beside MRR.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.gold import GoldQuery, GoldSet, load_decorte
from outcome_matcher.frameworks._io import open_text
from outcome_matcher.frameworks._standard_build import StandardRecord, function_id, unit_id
from outcome_matcher.frameworks.profstandard import read_profstandard_file
from outcome_matcher.schemas import Competency, Framework

XL_TECH_DIR = "translated_tech_dev"
XL_TECH_LANGS = ("en", "ru", "kk", "uz")
XL_TECH_SETS = tuple(f"xl-tech-{lang}" for lang in XL_TECH_LANGS)
XL_TECH_REFERENCE = "xl-tech-en"
PS_DIR = "ru_professional_standards"
PS_TF = "ru-ps-tf"
PS_TITLES = "ru-titles"
PS_FRAMEWORK = "ru-ps-tf"
# The development standards, by code (ru_professional_standards/SOURCE.md); the register file
# of 17.110 also carries 18 other standards, which are not part of the dev list.
DEV_STANDARDS = (
    "06.001", "06.011", "06.004", "06.035", "06.026", "06.042",
    "06.013", "06.024", "06.037", "17.110", "06.005",
)  # fmt: skip
QUERY_KINDS = ("labour_action", "skill")
ISCO_08 = "ISCO-08"


def read_translated(path: Path) -> list[tuple[str, str]]:
    """(id, sentence) rows of one `ID<TAB>sentence` file; InputError naming a bad row."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            qid, tab, text = line.rstrip("\r\n").partition("\t")
            if not tab or not qid.strip() or not text.strip():
                raise InputError("expected ID<TAB>sentence", file=str(path), row=number)
            if qid in seen:
                raise InputError(f"duplicate id {qid!r}", file=str(path), row=number, field="ID")
            seen.add(qid)
            rows.append((qid.strip(), text.strip()))
    return rows


def load_xl_tech(
    directory: Path, decorte: Path, esco: Framework, framework_name: str
) -> list[GoldSet]:
    """One set per language; gold of id vNNN = the gold of the English sentence with that id."""
    english = load_decorte(decorte, esco, name="tech", framework_name=framework_name)
    by_text = {q.text: q.gold for q in english.queries}
    en_path = directory / "en.tsv"
    gold: dict[str, frozenset[str]] = {}
    for number, (qid, text) in enumerate(read_translated(en_path), start=1):
        if text not in by_text:
            raise InputError(
                "sentence not among the TECH validation sentences with gold",
                file=str(en_path),
                row=number,
                field="sentence",
            )
        gold[qid] = by_text[text]
    sets: list[GoldSet] = []
    for lang in XL_TECH_LANGS:
        path = directory / f"{lang}.tsv"
        rows = read_translated(path)
        unknown = [qid for qid, _ in rows if qid not in gold]
        if unknown:
            raise InputError(f"ids not in en.tsv: {', '.join(unknown[:5])}", file=str(path))
        queries = tuple(GoldQuery(id=qid, text=t, gold=gold[qid], lang=lang) for qid, t in rows)
        sets.append(
            GoldSet(
                name=f"xl-tech-{lang}",
                queries=queries,
                framework=framework_name,
                stats={"sentences": len(queries)},
                reference=None if lang == "en" else XL_TECH_REFERENCE,
            )
        )
    return sets


def read_dev_standards(
    directory: Path, codes: Sequence[str] = DEV_STANDARDS
) -> list[StandardRecord]:
    """The dev standards of the register XML files in `directory`, in file order."""
    files = sorted(directory.glob("*.xml"))
    if not files:
        raise InputError("no .xml files in the folder", file=str(directory))
    wanted = set(codes)
    records = [r for f in files for r in read_profstandard_file(f) if r.code in wanted]
    missing = wanted - {r.code for r in records}
    if missing:
        raise InputError(
            f"dev standards not found: {', '.join(sorted(missing))}", file=str(directory)
        )
    return records


def work_functions_framework(records: Sequence[StandardRecord]) -> Framework:
    """Every ТФ of the standards as a competency whose only text is its name (no items)."""
    competencies = tuple(
        Competency(
            id=function_id(r.code, u.code, f.code),
            label=f.name,
            lang="ru",
            unit=unit_id(r.code, u.code),
        )
        for r in records
        for u in r.units
        for f in u.functions
    )
    return Framework(
        name=PS_FRAMEWORK,
        version="dev",
        format="profstandard",
        source=",".join(sorted({r.source for r in records})),
        competencies=competencies,
    )


def load_ps_tf(records: Sequence[StandardRecord]) -> GoldSet:
    """Labour actions and skills -> their ТФ; a text in several ТФ has each as gold, and a ТФ
    whose name another ТФ shares counts as found when either is ranked."""
    ids_by_name: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for u in r.units:
            for f in u.functions:
                ids_by_name[f.name.casefold()].add(function_id(r.code, u.code, f.code))
    gold: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, str] = {}
    counts = {"items": 0, "work_functions": 0}
    for r in records:
        for u in r.units:
            for f in u.functions:
                counts["work_functions"] += 1
                for item in f.texts:
                    if item.kind in QUERY_KINDS:
                        counts["items"] += 1
                        key = item.text.casefold()
                        texts.setdefault(key, item.text)
                        gold[key] |= ids_by_name[f.name.casefold()]
    queries = tuple(
        GoldQuery(id=f"q{i:05d}", text=texts[key], gold=frozenset(ids), lang="ru")
        for i, (key, ids) in enumerate(gold.items(), start=1)
    )
    stats = {**counts, "distinct_queries": len(queries)}
    return GoldSet(name=PS_TF, queries=queries, framework=PS_FRAMEWORK, stats=stats)


def load_ps_titles(
    records: Sequence[StandardRecord], occupations: Framework, framework_name: str
) -> GoldSet:
    """Job titles of ISCO-08 editions -> ESCO occupations of the unit's ISCO-08 groups."""
    by_group: Mapping[str, set[str]] = _occupations_by_group(occupations)
    gold: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, str] = {}
    stats = {"units_isco_88": 0, "units_without_esco_group": 0, "titles": 0}
    for r in records:
        for u in r.units:
            if u.isco_edition != ISCO_08:
                stats["units_isco_88"] += 1
                continue
            ids = set().union(*(by_group.get(code.strip(), set()) for code in u.isco_codes))
            if not ids:
                stats["units_without_esco_group"] += 1
                continue
            for title in u.job_titles:
                stats["titles"] += 1
                key = title.casefold()
                texts.setdefault(key, title)
                gold[key] |= ids
    queries = tuple(
        GoldQuery(id=f"t{i:04d}", text=texts[key], gold=frozenset(ids), lang="ru")
        for i, (key, ids) in enumerate(gold.items(), start=1)
    )
    return GoldSet(
        name=PS_TITLES,
        queries=queries,
        framework=framework_name,
        stats={**stats, "distinct_titles": len(queries)},
        extra_metrics=("Acc@1",),
    )


def _occupations_by_group(occupations: Framework) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for c in occupations.competencies:
        if c.unit:
            groups[c.unit].add(c.id)
    return groups
