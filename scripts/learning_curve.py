"""Print (and plot) the learning curve: `python scripts/learning_curve.py --plot PNG`."""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

from outcome_matcher.config import Settings
from outcome_matcher.encoders import set_threads
from outcome_matcher.evaluation.dev_sets import DEFAULT_CORPORA
from outcome_matcher.evaluation.learning_curve import (
    SET_LANGS,
    STEPS,
    format_curve,
    prepare,
    simulate,
)
from outcome_matcher.retrieval.calibration import load_calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--sets", nargs="+", default=list(SET_LANGS))
    parser.add_argument("--max-queries", type=int, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[13])
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = Settings()
    set_threads(settings.threads)
    start = time.perf_counter()
    data = prepare(settings, args.corpora, sets=args.sets, max_queries=args.max_queries)
    prepared = time.perf_counter() - start
    shipped = load_calibration(settings.model)
    assert shipped is not None, f"{settings.model} ships no calibration"
    for seed in args.seeds:
        points = simulate(data, shipped, steps=STEPS, seed=seed)
        print(f"seed {seed}, {len(data.ids)} concepts (half held out)")
        print(format_curve(points))
        if args.json:
            args.json.write_text(json.dumps([asdict(p) for p in points], indent=2) + "\n")
        if args.plot:
            from outcome_matcher.evaluation.learning_plot import plot_curve

            plot_curve(points, args.plot)
    print(f"prepare {prepared:.0f} s, total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
