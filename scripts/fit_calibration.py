"""Fit the confidence calibration of the configured model and save it under models/<model>/.

Fitted on the German (BA) and French (VDAB) competence-to-ESCO crosswalk dev halves: a
candidate in the top 10 counts as accepted when the crosswalk maps it as exact or close.
These sets are never the ones calibration quality is reported on (TECH and HOUSE are; run
`outcome-matcher evaluate --sets decorte --threshold calibrated` for that).

Usage: python scripts/fit_calibration.py [--corpora /work/shared/corpora] [--top-k 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import faiss

from outcome_matcher.calibration import calibration_path, fit_calibration, reliability_table
from outcome_matcher.config import Settings
from outcome_matcher.embedding import load_encoder
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.dev_sets import (
    DEFAULT_CORPORA,
    ESCO,
    EscoOptions,
    load_esco_framework,
    load_esco_sets,
)
from outcome_matcher.matching import Matcher

FIT_SETS = ("de_ba", "be_vdab_fr")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--top-k", type=int, default=10)
    args = parser.parse_args()
    settings = Settings()
    faiss.omp_set_num_threads(settings.threads)
    encoder = load_encoder(settings)
    options = EscoOptions()
    framework = load_esco_framework(args.corpora, options.other_langs)
    caching = CachingEncoder(encoder, settings.data_dir / "evaluation" / "vectors")
    index, _ = cached_index(
        framework, caching, settings.data_dir / "evaluation" / "indexes", fields=options.fields
    )
    matcher = Matcher(encoder, {ESCO: index})
    scores: list[float] = []
    accepted: list[bool] = []
    for gold_set in load_esco_sets(FIT_SETS, args.corpora, framework):
        texts = [q.text for q in gold_set.queries]
        for query, found in zip(
            gold_set.queries, matcher.suggest(ESCO, texts, args.top_k), strict=True
        ):
            for s in found:
                scores.append(s.score)
                accepted.append(s.competency_id in query.gold)
    calibration = fit_calibration(
        scores,
        accepted,
        model_name=encoder.name,
        fitted_on=f"{' + '.join(FIT_SETS)} dev halves, top-{args.top_k} candidates, "
        f"exact/close = accepted ({len(scores)} candidates, {sum(accepted)} accepted)",
    )
    path = calibration_path(encoder.name)
    calibration.save(path)
    print(
        f"saved {path}: slope {calibration.slope}, intercept {calibration.intercept}, "
        f"threshold {calibration.threshold}"
    )
    print("reliability on the fit data (confidence bin: n, observed acceptance):")
    confidences = [calibration.confidence(s) for s in scores]
    for low, high, n, rate in reliability_table(confidences, accepted):
        print(f"  {low:.1f}-{high:.1f}: {n:6d}  {rate:.3f}")


if __name__ == "__main__":
    main()
