"""Fit the confidence calibration of the configured model and save it as package data
(src/outcome_matcher/artifacts/<model>/calibration.json).

Fitted on the German (BA) and French (VDAB) competence-to-ESCO crosswalk dev halves, with
the default index and settings (what `suggest` returns): each of the top-K candidates of a
competence is accepted when the crosswalk maps it as exact or close. Competences the BA
crosswalk maps to nothing stay in, so the operating point learns to abstain. Features:
score, gap to the best candidate, log rank. Operating point: best F1 on this data, recall
counted over all gold links (also those below the top K).

The crosswalk sets are reported as fit data by `--threshold calibrated`; the independent
checks are TECH, HOUSE and the MELO sets.

Usage: python scripts/fit_calibration.py [--corpora /work/shared/corpora] [--top-k 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import faiss

from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.dev_sets import (
    DEFAULT_CORPORA,
    ESCO,
    EscoOptions,
    load_esco_framework,
    load_esco_sets,
)
from outcome_matcher.retrieval.calibration import (
    Candidate,
    calibration_path,
    candidates_of,
    expected_calibration_error,
    fit_calibration,
    reliability_table,
)
from outcome_matcher.retrieval.matcher import Matcher

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
    matcher = Matcher(encoder, {ESCO: index}, lexical=settings.lexical)
    candidates: list[Candidate] = []
    accepted: list[bool] = []
    n_gold = n_queries = 0
    for gold_set in load_esco_sets(FIT_SETS, args.corpora, framework):
        texts = [q.text for q in gold_set.queries]
        found = matcher.suggest(ESCO, texts, args.top_k)
        for query, suggestions in zip(gold_set.queries, found, strict=True):
            n_queries += 1
            n_gold += len(query.gold)
            candidates += candidates_of([s.score for s in suggestions])
            accepted += [s.competency_id in query.gold for s in suggestions]
    calibration = fit_calibration(
        candidates,
        accepted,
        model_name=encoder.name,
        n_gold=n_gold,
        fit_sets=FIT_SETS,
        fitted_on=f"{' + '.join(FIT_SETS)} dev halves, default index, lexical="
        f"{settings.lexical}, top-{args.top_k} candidates of {n_queries} queries, exact/close "
        f"= accepted ({len(candidates)} candidates, {sum(accepted)} accepted, {n_gold} gold)",
    )
    path = calibration_path(encoder.name)
    calibration.save(path)
    print(f"saved {path}")
    print(
        f"weights {dict(zip(calibration.features, calibration.weights, strict=True))}, "
        f"intercept {calibration.intercept}"
    )
    print(
        f"operating point: confidence >= {calibration.min_confidence:.4f} "
        f"(a best candidate: score >= {calibration.threshold:.4f})"
    )
    confidences = [calibration.confidence(c.score, gap=c.gap, rank=c.rank) for c in candidates]
    kept = [
        a for c, a in zip(confidences, accepted, strict=True) if c >= calibration.min_confidence
    ]
    print(
        f"on the fit data: precision {sum(kept) / max(len(kept), 1):.3f}, "
        f"recall {sum(kept) / n_gold:.3f} ({len(kept)} kept of {len(candidates)}), "
        f"ECE {expected_calibration_error(confidences, accepted):.4f}"
    )
    print("reliability on the fit data (confidence bin: n, observed acceptance):")
    for low, high, n, rate in reliability_table(confidences, accepted):
        print(f"  {low:.1f}-{high:.1f}: {n:6d}  {rate:.3f}")


if __name__ == "__main__":
    main()
