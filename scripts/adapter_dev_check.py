"""Dev sets an adapter must hold: the ESCO and MELO sets plus the translated TECH sentences.

One process encodes ESCO once (cached in DATA_DIR/evaluation) and ranks every set with the
same index: `evaluate`'s sets (default: tech house de_ba be_vdab_fr and the MELO sets) and,
read directly from ../shared/corpora/translated_tech_dev, TECH in ru, kk and uz (`xl-tech-*`,
same gold as the English sentence with that ID). The model is the configured one, or
OUTCOME_MATCHER_MODEL_PATH (a merged folder: `python -m outcome_matcher.encoders.adapter`).

    PYTHONPATH=src OUTCOME_MATCHER_DATA_DIR=/tmp/d python scripts/adapter_dev_check.py \
        [--sets tech house ...] [--markdown] [-o report.json]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder, set_threads
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.dev_sets import (
    DEFAULT_CORPORA,
    ESCO,
    MELO_SETS,
    EscoOptions,
    _config,
    load_esco_framework,
    load_esco_sets,
    select_sets,
)
from outcome_matcher.evaluation.gold import GoldQuery, GoldSet
from outcome_matcher.evaluation.melo import MELO_PREFIX, load_melo
from outcome_matcher.evaluation.report import format_markdown, format_table, write_report
from outcome_matcher.evaluation.runner import evaluate
from outcome_matcher.retrieval.matcher import Matcher

TRANSLATED = "translated_tech_dev"
LANGS = ("ru", "kk", "uz")


def _tsv(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row[0]: row[1].strip() for row in csv.reader(fh, delimiter="\t") if len(row) >= 2}


def translated_tech(tech: GoldSet, corpora: Path) -> list[GoldSet]:
    """TECH in each user language: a translated sentence keeps its English sentence's gold."""
    english = {text: key for key, text in _tsv(corpora / TRANSLATED / "en.tsv").items()}
    gold_by_id = {english[q.text]: q.gold for q in tech.queries if q.text in english}
    out = [GoldSet(name="xl-tech-en", queries=_queries(gold_by_id, english, "en"), framework=ESCO)]
    for lang in LANGS:
        texts = _tsv(corpora / TRANSLATED / f"{lang}.tsv")
        by_text = {text: key for key, text in texts.items()}
        out.append(
            GoldSet(
                name=f"xl-tech-{lang}", queries=_queries(gold_by_id, by_text, lang), framework=ESCO
            )
        )
    return out


def _queries(
    gold_by_id: dict[str, frozenset[str]], texts: dict[str, str], lang: str
) -> tuple[GoldQuery, ...]:
    return tuple(
        GoldQuery(id=key, text=text, gold=gold_by_id[key], lang=lang)
        for text, key in sorted(texts.items(), key=lambda kv: kv[1])
        if key in gold_by_id
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets", nargs="*", default=["tech", "house", "de_ba", "be_vdab_fr", "melo"]
    )
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    settings = Settings()
    set_threads(settings.threads)
    start = time.perf_counter()
    names = select_sets(args.sets)
    encoder = load_encoder(settings)
    caching = CachingEncoder(encoder, settings.data_dir / "evaluation" / "vectors")
    cache_dir = settings.data_dir / "evaluation" / "indexes"
    matcher = Matcher(encoder, lexical=settings.lexical)
    esco = EscoOptions()
    framework = load_esco_framework(args.corpora, esco.other_langs)
    index, _ = cached_index(framework, caching, cache_dir, fields=esco.fields)
    matcher.add_index(ESCO, index)
    tech = load_esco_sets(["tech"], args.corpora, framework)[0]
    gold_sets = [s for s in load_esco_sets(names, args.corpora, framework)]
    gold_sets += translated_tech(tech, args.corpora)
    for name in names:
        if name in MELO_SETS:
            melo = load_melo(
                args.corpora / "melo_occupation_linking" / name.removeprefix(MELO_PREFIX)
            )
            melo_index, _ = cached_index(melo.corpus, caching, cache_dir, fields=("label",))
            matcher.add_index(melo.corpus.name, melo_index)
            gold_sets.append(melo.gold)
    config = _config(settings, args.corpora, esco, matcher)
    report = evaluate(gold_sets, matcher, ESCO, config=config)
    report = report.model_copy(update={"total_seconds": round(time.perf_counter() - start, 2)})
    print(format_markdown(report) if args.markdown else format_table(report))
    if args.output:
        write_report(report, args.output)


if __name__ == "__main__":
    main()
