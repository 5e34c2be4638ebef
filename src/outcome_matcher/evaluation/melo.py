"""MELO occupation linking: queries, a corpus of surface forms as a framework, and its gold."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.gold import GoldQuery, GoldSet
from outcome_matcher.frameworks._io import open_text
from outcome_matcher.schemas import Competency, Framework

# Query language code in a MELO folder name (<country>_q_<lang>_c_<lang>).
MELO_PREFIX = "melo_"


@dataclass(frozen=True)
class MeloSet:
    """One MELO dataset: its gold queries and the corpus they are linked into."""

    gold: GoldSet
    corpus: Framework


def _find(directory: Path, stem: str) -> Path:
    for suffix in ("", ".gz"):
        path = directory / f"{stem}.tsv{suffix}"
        if path.is_file():
            return path
    raise InputError(f"no {stem}.tsv[.gz]", file=str(directory))


def _tsv(path: Path, min_fields: int) -> list[list[str]]:
    rows: list[list[str]] = []
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.rstrip("\r\n").split("\t")
            if fields == [""]:
                continue
            if len(fields) < min_fields:
                raise InputError(
                    f"expected {min_fields} tab-separated fields", file=str(path), row=number
                )
            rows.append(fields)
    return rows


def melo_languages(name: str) -> tuple[str, str]:
    """('et', 'en') from 'est_q_et_c_en'; ('', '') when the name does not follow the pattern."""
    parts = name.split("_")
    if len(parts) == 5 and parts[1] == "q" and parts[3] == "c":
        return parts[2], parts[4]
    return "", ""


def load_melo_corpus(directory: Path, *, name: str) -> Framework:
    """The corpus surface forms as a framework: id = corpus element id, label = surface form."""
    _, corpus_lang = melo_languages(directory.name)
    concepts = {row[0]: row[1].strip() for row in _tsv(_find(directory, "concept_mapping"), 2)}
    competencies = tuple(
        Competency(
            id=row[0],
            label=row[1].strip(),
            lang=corpus_lang or "en",
            unit=concepts.get(row[0]),
        )
        for row in _tsv(_find(directory, "corpus_elements"), 2)
        if row[1].strip()
    )
    return Framework(
        name=name, version="melo", format="jsonl", source=str(directory), competencies=competencies
    )


def load_melo(directory: Path, *, split: str = "dev", name: str | None = None) -> MeloSet:
    """A MELO folder: queries_<split>.tsv, annotations_<split>.tsv[.gz] and the corpus files.

    Gold of a query = the corpus elements annotated relevant (every surface form of every
    gold concept), so its MRR is the reciprocal rank of the first relevant surface form.
    """
    set_name = name or MELO_PREFIX + directory.name
    query_lang, _ = melo_languages(directory.name)
    gold: dict[str, set[str]] = defaultdict(set)
    for row in _tsv(_find(directory, f"annotations_{split}"), 4):
        if row[3].strip() not in ("", "0"):
            gold[row[0]].add(row[2])
    corpus = load_melo_corpus(directory, name=f"corpus:{set_name}")
    known = {c.id for c in corpus.competencies}
    queries: list[GoldQuery] = []
    for row in _tsv(_find(directory, f"queries_{split}"), 2):
        ids = frozenset(g for g in gold.get(row[0], ()) if g in known)
        if ids and row[1].strip():
            queries.append(
                GoldQuery(id=row[0], text=row[1].strip(), gold=ids, lang=query_lang or None)
            )
    gold_set = GoldSet(
        name=set_name,
        queries=tuple(queries),
        framework=corpus.name,
        stats={"corpus_elements": len(corpus.competencies)},
    )
    return MeloSet(gold=gold_set, corpus=corpus)
