"""What each technique of issue 19 adds, on the dev sets in the users' languages.

One process loads the indexes and encodes every query once, then ranks the sets under each
configuration (the same `Matcher` and `evaluate` as `outcome-matcher evaluate`), so the
contribution table costs minutes, not one cold run per row:

  before        ESCO with de/fr/nl labels, best of all vectors, BM25 (words) for English sentences
  +labels       the ru/kk/uz labels added to the index, still best of all vectors
  +fusion       label fusion: the mean of the own-language and same-language cosines
  +bm25-labels  BM25 over the query language's labels for sentences (plain words)
  +lemma/...    the analyzers of --variants (e.g. ru=lemma,kk=ngram4,uz=ngram4)
  +every        the last variant with BM25 for every statement, not only for sentences

Usage (under the heavy lock; the vectors come from the evaluation cache):
  python scripts/dev_users_languages.py [--sets tech house de_ba be_vdab_fr users] [--markdown]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder, load_encoder
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.dev_sets import (
    DECORTE_SETS,
    DEFAULT_CORPORA,
    ESCO,
    ESCO_OCCUPATIONS,
    MAPPING_SETS,
    load_esco_framework,
    load_esco_sets,
    load_occupations_framework,
    select_sets,
)
from outcome_matcher.evaluation.gold import GoldSet
from outcome_matcher.evaluation.report import format_metric
from outcome_matcher.evaluation.runner import evaluate
from outcome_matcher.evaluation.users_sets import (
    PS_DIR,
    PS_FRAMEWORK,
    PS_TF,
    PS_TITLES,
    XL_TECH_DIR,
    XL_TECH_SETS,
    load_ps_tf,
    load_ps_titles,
    load_xl_tech,
    read_dev_standards,
    work_functions_framework,
)
from outcome_matcher.retrieval.index import DEFAULT_FIELDS, FrameworkIndex
from outcome_matcher.retrieval.lexical import parse_analyzers
from outcome_matcher.retrieval.matcher import Matcher

OLD_LANGS = ("de", "fr", "nl")
SHOWN = ("RP@5", "MRR", "Acc@1", "MRR/ref")


class QueryCache:
    """An encoder that encodes each query text once per process (passages pass through)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.fingerprint, self.dim = inner.name, inner.fingerprint, inner.dim
        self._known: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._known))
        if missing:
            self._known.update(zip(missing, self.inner.encode_queries(missing), strict=True))
        return np.stack([self._known[t] for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="*", default=["users"])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument(
        "--variants",
        nargs="*",
        default=[
            "ru=lemma",
            "ru=stem5",
            "ru=lemma,kk=ngram4,uz=ngram4",
            "ru=lemma,kk=stem5,uz=stem5",
        ],
        help="analyzer settings to try after +bm25-labels",
    )
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    names = select_sets(args.sets)
    encoder = QueryCache(load_encoder(settings))
    caching = CachingEncoder(encoder, settings.data_dir / "evaluation" / "vectors")  # type: ignore[arg-type]
    cache_dir = settings.data_dir / "evaluation" / "indexes"
    start = time.perf_counter()
    old, new, gold_sets = _indexes(args.corpora, names, caching, cache_dir)
    print(f"indexes ready in {time.perf_counter() - start:.0f} s", flush=True)
    configs: list[tuple[str, dict[str, FrameworkIndex], dict[str, object]]] = [
        ("before", old, {"lexical": True}),
        ("+labels (max of all rows)", new, {"lexical": True}),
        ("+fusion", new, {"lexical": True, "label_fusion": True}),
        (
            "+bm25-labels (words)",
            new,
            {"lexical": True, "label_fusion": True, "lexical_other_languages": True},
        ),
    ]
    for variant in args.variants:
        configs.append(
            (
                f"+bm25-labels ({variant})",
                new,
                {
                    "lexical": True,
                    "label_fusion": True,
                    "lexical_other_languages": True,
                    "analyzers": parse_analyzers(variant),
                },
            )
        )
    last = args.variants[-1] if args.variants else ""
    configs.append(
        (
            f"+bm25 for every statement ({last})",
            new,
            {
                "lexical": True,
                "label_fusion": True,
                "lexical_other_languages": True,
                "analyzers": parse_analyzers(last),
                "lexical_sentences_only": False,
            },
        )
    )
    rows: list[tuple[str, dict[str, str]]] = []
    for label, indexes, options in configs:
        t0 = time.perf_counter()
        matcher = Matcher(encoder, dict(indexes), **options)  # type: ignore[arg-type]
        report = evaluate(gold_sets, matcher, ESCO)
        cells = {
            r.name: " / ".join(format_metric(m, r.metrics[m]) for m in SHOWN if m in r.metrics)
            for r in report.sets
        }
        rows.append((label, cells))
        print(f"{label}: {time.perf_counter() - t0:.0f} s", flush=True)
        for name, cell in cells.items():
            print(f"  {name}: {cell}", flush=True)
    if args.markdown:
        print("| configuration | " + " | ".join(s.name for s in gold_sets) + " |")
        print("|---|" + "---|" * len(gold_sets))
        for label, cells in rows:
            print(f"| {label} | " + " | ".join(cells.get(s.name, "") for s in gold_sets) + " |")


def _indexes(
    corpora: Path, names: list[str], encoder: CachingEncoder, cache_dir: Path
) -> tuple[dict[str, FrameworkIndex], dict[str, FrameworkIndex], list[GoldSet]]:
    old: dict[str, FrameworkIndex] = {}
    new: dict[str, FrameworkIndex] = {}
    gold: list[GoldSet] = []
    if any(n in DECORTE_SETS or n in MAPPING_SETS or n in XL_TECH_SETS for n in names):
        before = load_esco_framework(corpora, OLD_LANGS)
        after = load_esco_framework(corpora, None)
        old[ESCO], _ = cached_index(before, encoder, cache_dir, fields=DEFAULT_FIELDS)
        new[ESCO], _ = cached_index(after, encoder, cache_dir, fields=DEFAULT_FIELDS)
        gold += load_esco_sets(names, corpora, after)
        xl = load_xl_tech(corpora / XL_TECH_DIR, corpora / DECORTE_SETS["tech"], after, ESCO)
        gold += [s for s in xl if s.name in names]
    if PS_TF in names or PS_TITLES in names:
        records = read_dev_standards(corpora / PS_DIR)
        if PS_TF in names:
            index, _ = cached_index(
                work_functions_framework(records), encoder, cache_dir, fields=("label",)
            )
            old[PS_FRAMEWORK] = new[PS_FRAMEWORK] = index
            gold.append(load_ps_tf(records))
        if PS_TITLES in names:
            before = load_occupations_framework(corpora, ())
            after = load_occupations_framework(corpora, None)
            old[ESCO_OCCUPATIONS], _ = cached_index(
                before, encoder, cache_dir, fields=DEFAULT_FIELDS
            )
            new[ESCO_OCCUPATIONS], _ = cached_index(
                after, encoder, cache_dir, fields=DEFAULT_FIELDS
            )
            gold.append(load_ps_titles(records, after, ESCO_OCCUPATIONS))
    gold.sort(key=lambda s: names.index(s.name))
    return old, new, gold


if __name__ == "__main__":
    main()
