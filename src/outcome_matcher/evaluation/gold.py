"""Gold sets: queries with the competency ids a correct ranking must find, and their loaders."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks._io import open_text, read_rows, require_columns
from outcome_matcher.schemas import Framework

DECORTE_SKIP = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})
# SKOS relations of the ESCO mapping tables, by their short name.
RELATIONS = ("exact", "close", "broad", "narrow")


@dataclass(frozen=True)
class GoldQuery:
    """One query and the competency ids that count as correct for it (empty: no match exists)."""

    id: str
    text: str
    gold: frozenset[str]
    lang: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GoldSet:
    """A named list of gold queries, ranked against one framework (None: the caller's)."""

    name: str
    queries: tuple[GoldQuery, ...]
    framework: str | None = None
    # What the loader dropped and why, e.g. {"gold_not_in_framework": 63}.
    stats: Mapping[str, int] = field(default_factory=dict)
    # The set whose queries these translate (same ids, same order): ratios to it are reported.
    reference: str | None = None
    # Metrics beyond the ranking ones, e.g. ("Acc@1",): top-1 accuracy.
    extra_metrics: tuple[str, ...] = ()

    @property
    def n_with_gold(self) -> int:
        return sum(1 for q in self.queries if q.gold)


def load_jsonl_gold(
    path: Path, *, name: str | None = None, framework: str | None = None
) -> GoldSet:
    """Users' gold: JSON lines {"id", "text", "gold": [competency ids]} (optional "lang")."""
    queries: list[GoldQuery] = []
    errors: list[InputError] = []
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    queries.append(_jsonl_query(line, str(path), number))
                except InputError as error:
                    errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors, file=str(path))
    return GoldSet(
        name=name or path.name.split(".")[0], queries=tuple(queries), framework=framework
    )


def _jsonl_query(line: str, source: str, number: int) -> GoldQuery:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON: {error.msg}", file=source, row=number) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", file=source, row=number)
    text, gold = data.get("text"), data.get("gold")
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing or empty text", file=source, row=number, field="text")
    if not isinstance(gold, list) or not all(isinstance(g, str) for g in gold):
        raise InputError("gold must be a list of ids", file=source, row=number, field="gold")
    raw_id = data.get("id", number)
    lang = data.get("lang")
    return GoldQuery(
        id=str(raw_id),
        text=text.strip(),
        gold=frozenset(gold),
        lang=lang if isinstance(lang, str) else None,
    )


def label_to_id(framework: Framework) -> dict[str, str]:
    """Preferred label -> competency id, exact first, then case-insensitively."""
    mapping: dict[str, str] = {}
    for c in framework.competencies:
        mapping.setdefault(c.label.casefold(), c.id)
    for c in framework.competencies:
        mapping[c.label] = c.id
    return mapping


def load_decorte(
    path: Path, framework: Framework, *, name: str | None = None, framework_name: str | None = None
) -> GoldSet:
    """Decorte et al. annotations (sentence, span, sub_span, label): one query per sentence."""
    require_columns(path, ("sentence", "label"))
    labels = label_to_id(framework)
    by_sentence: dict[str, set[str]] = {}
    missing = 0
    for _, row in read_rows(path):
        sentence, label = row["sentence"].strip(), row["label"].strip()
        gold = by_sentence.setdefault(sentence, set())
        if not label or label in DECORTE_SKIP:
            continue
        uri = labels.get(label) or labels.get(label.casefold())
        if uri is None:
            missing += 1
        else:
            gold.add(uri)
    queries = [
        GoldQuery(id=f"s{i:04d}", text=text, gold=frozenset(gold), lang="en")
        for i, (text, gold) in enumerate(by_sentence.items(), start=1)
        if gold
    ]
    stats = {
        "sentences": len(by_sentence),
        "sentences_without_gold": len(by_sentence) - len(queries),
        "labels_not_in_framework": missing,
    }
    return GoldSet(
        name=name or path.name.split("_")[0],
        queries=tuple(queries),
        framework=framework_name,
        stats=stats,
    )


@dataclass(frozen=True)
class MappingColumns:
    """Where an ESCO mapping table keeps the national id and label, the ESCO URI and relation."""

    query_id: str
    query_text: str
    uri: str
    relation: str
    lang: str


BA_COLUMNS = MappingColumns(
    "Classification 2 ID",
    "Classification 2 PrefLabel",
    "Classification 1 URI",
    "Mapping relation",
    "de",
)
VDAB_FR_COLUMNS = MappingColumns(
    "Classification 2 ID",
    "Classification 2 PrefLabel FR",
    "Classification 1 URL",
    "Mapping Relation",
    "fr",
)


def load_esco_mapping(
    path: Path,
    columns: MappingColumns,
    known_ids: Collection[str],
    *,
    name: str,
    relations: Iterable[str] = ("exact", "close"),
    framework_name: str | None = None,
) -> GoldSet:
    """An ESCO mapping table: query = national competence, gold = URIs with the given relations.

    Competences mapped to nothing ("no relation") stay as queries with empty gold, for
    precision at a threshold; those mapped only with other relations are left out. Gold URIs
    not in `known_ids` (retired since the table's ESCO version) are dropped and counted.
    """
    require_columns(path, (columns.query_id, columns.query_text, columns.uri, columns.relation))
    wanted = {f"skos:{r}Match" for r in relations}
    texts: dict[str, str] = {}
    gold: dict[str, set[str]] = defaultdict(set)
    related: set[str] = set()
    stats = {"rows": 0, "gold_not_in_framework": 0}
    for _, row in read_rows(path):
        stats["rows"] += 1
        qid, uri, relation = (
            row[columns.query_id].strip(),
            row[columns.uri].strip(),
            row[columns.relation].strip(),
        )
        texts.setdefault(qid, row[columns.query_text].strip())
        if not uri or not relation:
            continue
        related.add(qid)
        if relation in wanted:
            if uri in known_ids:
                gold[qid].add(uri)
            else:
                stats["gold_not_in_framework"] += 1
    queries = [
        GoldQuery(id=qid, text=text, gold=frozenset(gold[qid]), lang=columns.lang)
        for qid, text in texts.items()
        if text and (gold[qid] or qid not in related)
    ]
    stats["competences"] = len(texts)
    stats["unmatched_queries"] = sum(1 for q in queries if not q.gold)
    stats["left_out_other_relations_only"] = len(texts) - len(queries)
    return GoldSet(name=name, queries=tuple(queries), framework=framework_name, stats=stats)
