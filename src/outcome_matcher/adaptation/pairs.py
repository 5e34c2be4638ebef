"""Training pairs derived from the frameworks themselves (never from gold mappings).

Each pair is (anchor, positive, concept): the anchor is embedded as a query, the positive as
a passage, and two pairs of one concept never share a batch (they would be false negatives).
Kinds, all from ESCO v1.1.1 and its label translations:

- `skill_alt`:  an alternative label of a skill -> its preferred label
- `skill_desc`: a skill's description (sentence-like, as programme outcomes are) -> its label
- `skill_lang`: a skill label in German, French or Dutch -> its English preferred label
- `occ_alt`:    an alternative label of an occupation -> its preferred label
- `occ_lang`:   an occupation label in another EU language -> its English preferred label

More kinds, from the machine-written sentences and ru/kk/uz labels, are in `synthetic`.

The gold sets' own pairings (Decorte sentences, the BA and VDAB crosswalks, MELO queries and
annotations) are never read here.
"""

from __future__ import annotations

import csv
import gzip
import random
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outcome_matcher.errors import InputError

ESCO_DIR = "esco_v1.1.1_en"
LABELS_FILE = "esco_multilingual_labels/esco_labels_multilingual.csv.gz"
KINDS = ("skill_alt", "skill_desc", "skill_lang", "occ_alt", "occ_lang")


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    concept: str
    kind: str
    # A hard negative passage (a text of a neighbouring concept), or "" for none.
    negative: str = ""
    negative_of: str = ""


@dataclass(frozen=True)
class PairLimits:
    """How many pairs of each kind to draw per concept (and per language for `*_lang`).

    A skill has one description, so `skill_desc` is 0 or 1.
    """

    per_concept: dict[str, int] = field(
        default_factory=lambda: {
            "skill_alt": 2,
            "skill_desc": 1,
            "skill_lang": 1,
            "occ_alt": 2,
            "occ_lang": 2,
        }
    )
    # Descriptions are cut to this many characters: long texts cost training time, and an
    # outcome statement is one or two sentences.
    max_chars: int = 300


def read_rows(path: Path, columns: Sequence[str]) -> Iterator[dict[str, str]]:
    """The rows of a gzipped ESCO CSV; a missing file or column is an InputError naming it."""
    if not path.is_file():
        raise InputError("not found (an ESCO CSV export, gzipped)", file=str(path))
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), row=1)
        yield from reader


def _lines(value: str) -> list[str]:
    return [v.strip() for v in value.splitlines() if v.strip()]


def first_sentences(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text.rfind(". ", 0, max_chars)
    return text[: cut + 1] if cut > 0 else text[:max_chars]


def _sample(items: Sequence[str], k: int, rng: random.Random) -> list[str]:
    unique = list(dict.fromkeys(items))
    return unique if len(unique) <= k else rng.sample(unique, k)


def esco_pairs(
    corpora_dir: Path, *, seed: int = 13, limits: PairLimits | None = None
) -> list[Pair]:
    """Every kind of pair, drawn reproducibly from ESCO and its multilingual labels."""
    limits = limits or PairLimits()
    rng = random.Random(seed)
    per = limits.per_concept
    pairs: list[Pair] = []
    english: dict[str, str] = {}
    for kind_prefix, file in (("skill", "skills_en.csv.gz"), ("occ", "occupations_en.csv.gz")):
        for row in read_rows(corpora_dir / ESCO_DIR / file, ("conceptUri", "preferredLabel")):
            uri, label = row["conceptUri"], row["preferredLabel"].strip()
            if not label:
                continue
            english[uri] = label
            alts = [a for a in _lines(row.get("altLabels", "")) if a.lower() != label.lower()]
            for alt in _sample(alts, per[f"{kind_prefix}_alt"], rng):
                pairs.append(Pair(alt, label, uri, f"{kind_prefix}_alt"))
            description = row.get("description", "").strip()
            if kind_prefix == "skill" and description and per["skill_desc"] > 0:
                text = first_sentences(description, limits.max_chars)
                pairs.append(Pair(text, label, uri, "skill_desc"))
    pairs += _translated_pairs(corpora_dir / LABELS_FILE, english, per, rng)
    return pairs


def _translated_pairs(
    path: Path, english: dict[str, str], per: dict[str, int], rng: random.Random
) -> list[Pair]:
    by_key: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for row in read_rows(path, ("conceptType", "conceptUri", "lang", "label")):
        if row["lang"] == "en" or row["conceptUri"] not in english:
            continue
        kind = "skill_lang" if row["conceptType"] == "skill" else "occ_lang"
        by_key[(kind, row["conceptUri"], row["lang"])].append(row["label"].strip())
    pairs: list[Pair] = []
    for (kind, uri, _lang), labels in sorted(by_key.items()):
        for label in _sample([x for x in labels if x], per[kind], rng):
            pairs.append(Pair(label, english[uri], uri, kind))
    return pairs


def mix(pairs: Sequence[Pair], quotas: dict[str, int], *, seed: int = 13) -> list[Pair]:
    """At most quotas[kind] pairs of each kind, sampled reproducibly (kinds not named: none)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_kind[pair.kind].append(pair)
    out: list[Pair] = []
    for kind, quota in sorted(quotas.items()):
        items = by_kind.get(kind, [])
        out += items if len(items) <= quota else rng.sample(items, quota)
    return out


def batches(pairs: Sequence[Pair], size: int, *, seed: int = 13) -> list[list[Pair]]:
    """Shuffled batches of one kind each, in which no concept appears twice.

    One kind per batch keeps label batches short (a description would pad them all to its
    length) and in-batch negatives of the same kind; a repeated concept would be a false
    negative, so it waits for the next batch. The last batches can be short, and one of a
    single pair (nothing to contrast) is dropped.
    """
    rng = random.Random(seed)
    by_kind: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_kind[pair.kind].append(pair)
    out: list[list[Pair]] = []
    for kind in sorted(by_kind):
        out += _kind_batches(by_kind[kind], size, rng)
    rng.shuffle(out)
    return out


def _kind_batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    order = list(pairs)
    rng.shuffle(order)
    pending = deque(order)
    waiting: list[Pair] = []
    out: list[list[Pair]] = []
    while pending or waiting:
        batch: list[Pair] = []
        seen: set[str] = set()
        candidates, waiting = waiting, []
        for pair in candidates:
            _place(pair, batch, seen, waiting, size)
        while len(batch) < size and pending:
            _place(pending.popleft(), batch, seen, waiting, size)
        if len(batch) > 1:
            out.append(batch)
    return out


def _place(pair: Pair, batch: list[Pair], seen: set[str], waiting: list[Pair], size: int) -> None:
    # The loss masks a negative that is another anchor's concept, so only anchors must differ.
    if len(batch) < size and pair.concept not in seen:
        batch.append(pair)
        seen.add(pair.concept)
    else:
        waiting.append(pair)
