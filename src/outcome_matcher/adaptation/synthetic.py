"""Pairs from the machine-written ESCO sentences and the ru/kk/uz labels, with hard negatives.

Kinds (the anchor is embedded as a query, the positive and negative as passages):

- `syn_sentence`: a synthetic job-ad sentence or learning outcome (en, ru, kk, uz) -> its
  skill's English label or description (the two texts the index embeds for it, one drawn per
  sentence);
- `skill_tr` / `occ_tr`: a Russian, Kazakh or Uzbek label -> the English label or description.

Every pair of a skill carries a hard negative: the same kind of text (label or description)
of a neighbouring skill, one of the nearest other skills by the current model's label
vectors (`model_neighbours`), or without a model a sibling in ESCO's skill pillar
(`skill_neighbours`). Neighbours are different concepts that read alike, which is what a
retrieval model confuses. The synthetic sentences are training data
only (their SOURCE.md): no metric is ever measured on them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from outcome_matcher.adaptation.pairs import ESCO_DIR, Pair, first_sentences, read_rows

if TYPE_CHECKING:
    from outcome_matcher.encoders import Encoder

SYNTHETIC_FILE = "esco_synthetic_sentences/esco_synthetic_sentences.csv.gz"
USER_LABELS_FILE = "esco_labels_ru_kk_uz/esco_labels_ru_kk_uz.csv.gz"
SYNTHETIC_KINDS = ("syn_sentence", "skill_tr", "occ_tr")
USER_LANGS = ("ru", "kk", "uz")


@dataclass(frozen=True)
class Concept:
    label: str
    description: str


def _concepts(corpora_dir: Path, file: str, max_chars: int) -> dict[str, Concept]:
    out: dict[str, Concept] = {}
    for row in read_rows(corpora_dir / ESCO_DIR / file, ("conceptUri", "preferredLabel")):
        label = row["preferredLabel"].strip()
        if label:
            desc = first_sentences(row.get("description", "").strip(), max_chars)
            out[row["conceptUri"]] = Concept(label, desc)
    return out


def skill_neighbours(corpora_dir: Path, skills: set[str]) -> dict[str, list[str]]:
    """For each skill, its siblings: same broader skill first, else same skill group."""
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    path = corpora_dir / ESCO_DIR / "broaderRelationsSkillPillar.csv.gz"
    for row in read_rows(path, ("conceptUri", "broaderUri")):
        child, parent = row["conceptUri"], row["broaderUri"]
        if child in skills:
            parents[child].append(parent)
            children[parent].append(child)
    out: dict[str, list[str]] = {}
    for skill in skills:
        # A broader skill (itself a skill) is the tightest family; its other children and
        # the broader skill itself are neighbours. Groups are wider, so they come second.
        own = [p for p in parents[skill] if p in skills]
        near = [s for p in own for s in (p, *children[p]) if s != skill]
        wide = [s for p in parents[skill] if p not in skills for s in children[p] if s != skill]
        out[skill] = list(dict.fromkeys(near)) or list(dict.fromkeys(wide))
    return out


def model_neighbours(
    corpora_dir: Path, encoder: Encoder, *, k: int = 5, chunk: int = 2048
) -> dict[str, list[str]]:
    """For each skill, the k other skills whose preferred labels are nearest by cosine."""
    skills = _concepts(corpora_dir, "skills_en.csv.gz", 0)
    uris = sorted(skills)
    vectors = encoder.encode_passages([skills[u].label for u in uris])
    out: dict[str, list[str]] = {}
    for begin in range(0, len(uris), chunk):
        scores = vectors[begin : begin + chunk] @ vectors.T
        for row in range(scores.shape[0]):
            scores[row, begin + row] = -np.inf  # never itself
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        for row, cols in enumerate(top):
            out[uris[begin + row]] = [uris[c] for c in cols]
    return out


def _side(concept: Concept, use_description: bool) -> str:
    return concept.description if use_description and concept.description else concept.label


def _with_negative(
    anchor: str,
    uri: str,
    kind: str,
    concepts: dict[str, Concept],
    neighbours: dict[str, list[str]],
    rng: random.Random,
) -> Pair:
    use_desc = rng.random() < 0.5 and bool(concepts[uri].description)
    pair = Pair(anchor, _side(concepts[uri], use_desc), uri, kind)
    near = neighbours.get(uri) or []
    if not near:
        return pair
    other = rng.choice(near)
    return Pair(
        pair.anchor, pair.positive, uri, kind, _side(concepts[other], use_desc), negative_of=other
    )


def synthetic_pairs(
    corpora_dir: Path,
    *,
    neighbours: dict[str, list[str]] | None = None,
    seed: int = 13,
    max_chars: int = 300,
    langs: Sequence[str] = USER_LANGS,
) -> list[Pair]:
    """`syn_sentence`, `skill_tr` and `occ_tr` pairs, drawn reproducibly.

    `neighbours` gives each skill's hard-negative candidates (default: its pillar siblings).
    """
    rng = random.Random(seed)
    skills = _concepts(corpora_dir, "skills_en.csv.gz", max_chars)
    occupations = _concepts(corpora_dir, "occupations_en.csv.gz", max_chars)
    if neighbours is None:
        neighbours = skill_neighbours(corpora_dir, set(skills))
    pairs: list[Pair] = []
    columns = ("conceptUri", "kind", "lang", "text")
    for row in read_rows(corpora_dir / SYNTHETIC_FILE, columns):
        text = row["text"].strip()
        if text and row["conceptUri"] in skills:
            pairs.append(
                _with_negative(text, row["conceptUri"], "syn_sentence", skills, neighbours, rng)
            )
    columns = ("conceptType", "conceptUri", "lang", "label")
    for row in read_rows(corpora_dir / USER_LABELS_FILE, columns):
        uri, label = row["conceptUri"], row["label"].strip()
        if not label or row["lang"] not in langs:
            continue
        if uri in skills:
            pairs.append(_with_negative(label, uri, "skill_tr", skills, neighbours, rng))
        elif uri in occupations:
            use_desc = rng.random() < 0.5
            pairs.append(Pair(label, _side(occupations[uri], use_desc), uri, "occ_tr"))
    return pairs
