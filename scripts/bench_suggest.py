"""Single-statement `suggest` latency against a stored framework index, plus load time and sizes.

Usage: python scripts/bench_suggest.py [--framework esco] [--n 200] [--threads 2] [--index DIR]
Reads OUTCOME_MATCHER_* settings (data dir, model, lexical) like the CLI, and loads the model's
shipped calibration as the service does. `--index DIR` times a saved index directory (for
example one of the evaluation cache) instead of the store's. Prints a small table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import faiss

from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.retrieval.calibration import load_calibration
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher, matcher_options
from outcome_matcher.services import load_matcher
from outcome_matcher.store import Store

STATEMENTS = [
    "The student designs the schema of a relational database for an application.",
    "Студент проектирует схему реляционной базы данных.",
    "Üliõpilane kavandab relatsioonilise andmebaasi skeemi.",
    "L'étudiant conçoit le schéma d'une base de données relationnelle.",
    "Talaba ma'lumotlar bazasi sxemasini loyihalaydi.",
    "Деректер қорының сызбасын жобалайды.",
    "Plans and executes software tests and reports the defects found.",
    "Communicates project results to stakeholders in writing and orally.",
]


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else list(path.rglob("*"))
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--framework", default="esco")
    parser.add_argument("--n", type=int, default=200, help="timed single-statement calls")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--index", type=Path, help="a saved index directory to time instead")
    args = parser.parse_args()
    settings = Settings(**({"threads": args.threads} if args.threads else {}))
    start = time.perf_counter()
    store = Store.open(settings.db_url, migrate=True)
    if args.index:
        faiss.omp_set_num_threads(settings.threads)
        matcher = Matcher(
            load_encoder(settings),
            {args.framework: FrameworkIndex.load(args.index)},
            calibration=load_calibration(settings.model),
            default_threshold=settings.fallback_threshold,
            **matcher_options(settings),
        )
    else:
        matcher = load_matcher(settings, store, load_encoder(settings))
    matcher.index(args.framework)
    load_seconds = time.perf_counter() - start
    for text in STATEMENTS:  # warm-up
        matcher.suggest(args.framework, [text], top_k=10)
    timings = []
    for i in range(args.n):
        # Vary the text so the embedding cache never answers.
        text = f"{STATEMENTS[i % len(STATEMENTS)]} ({i})"
        t0 = time.perf_counter()
        matcher.suggest(args.framework, [text], top_k=10)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    index = matcher.index(args.framework).meta
    print(
        f"framework {args.framework}: {index.n_competencies} competencies, "
        f"{index.n_vectors} vectors, model {index.model_name}"
    )
    print(
        f"threads {settings.threads}, lexical {settings.lexical}, label fusion "
        f"{settings.label_fusion}, analyzers {settings.lexical_analyzers!r}, calibrated "
        f"{matcher.calibration is not None}, load average {os.getloadavg()[0]:.2f}, n={args.n}"
    )
    print(f"load (store + model + index): {load_seconds:.1f} s")
    print(
        f"latency ms: p50 {statistics.median(timings):.1f}  "
        f"p95 {timings[int(0.95 * len(timings)) - 1]:.1f}  max {timings[-1]:.1f}"
    )
    print(f"index build: {index.build_seconds:.0f} s (recorded at build time)")
    print(
        f"sizes MB: model {_size_mb(settings.models_dir):.0f}, "
        f"indexes {_size_mb(settings.indexes_dir):.0f}, "
        f"database {_size_mb(settings.data_dir / 'outcome-matcher.sqlite3'):.0f}"
    )
    store.close()


if __name__ == "__main__":
    main()
