"""Rank every gold query with a matcher (or any ranker) and measure the rankings."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.gold import GoldSet
from outcome_matcher.evaluation.metrics import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    MetricValue,
    Ratio,
    bootstrap,
    paired_ratio,
    ranking_ratios,
    threshold_ratios,
)
from outcome_matcher.evaluation.report import (
    EvaluationReport,
    Reliability,
    ReliabilityBin,
    SetResult,
    SetTimings,
)
from outcome_matcher.retrieval.calibration import expected_calibration_error, reliability_table
from outcome_matcher.retrieval.matcher import Matcher

Ranking = list[tuple[str, float]]
DEFAULT_DEPTH = 100
RELIABILITY_DEPTH = 10  # candidates per query in the reliability table (a review page)
_CHUNK = 512


class Ranker(Protocol):
    """Best competencies for each text of one framework: (id, score) pairs, best first."""

    def __call__(self, framework: str, texts: Sequence[str], k: int) -> list[Ranking]: ...


class MatcherRanker:
    """A Ranker over a Matcher's `suggest`, which is exactly what users get.

    With `by_confidence`, each pair carries the calibrated confidence instead of the score
    (the ranking is the same), so a threshold applies to the confidence.
    """

    def __init__(self, matcher: Matcher, *, by_confidence: bool = False) -> None:
        if by_confidence and matcher.calibration is None:
            raise InputError("no calibration loaded for this model", field="threshold")
        self.matcher = matcher
        self.by_confidence = by_confidence

    def __call__(self, framework: str, texts: Sequence[str], k: int) -> list[Ranking]:
        rows = self.matcher.suggest(framework, texts, k)
        if self.by_confidence:
            return [[(s.competency_id, s.confidence or 0.0) for s in row] for row in rows]
        return [[(s.competency_id, s.score) for s in row] for row in rows]


def rank_set(ranker: Ranker, framework: str, texts: Sequence[str], depth: int) -> list[Ranking]:
    """Rank in chunks so that memory stays flat on sets of thousands of queries."""
    out: list[Ranking] = []
    for start in range(0, len(texts), _CHUNK):
        out.extend(ranker(framework, texts[start : start + _CHUNK], depth))
    return out


def measure(
    rankings: Sequence[Ranking],
    gold_set: GoldSet,
    *,
    threshold: float | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, MetricValue]:
    """Every metric of one set with its bootstrap interval."""
    ratios = set_ratios(rankings, gold_set, threshold)
    return {name: bootstrap(r, resamples=resamples, seed=seed) for name, r in ratios.items()}


def set_ratios(
    rankings: Sequence[Ranking], gold_set: GoldSet, threshold: float | None = None
) -> dict[str, Ratio]:
    """The per-query values of every metric of one set (what the bootstrap resamples)."""
    golds = [q.gold for q in gold_set.queries]
    ids = [[cid for cid, _ in r] for r in rankings]
    ratios = ranking_ratios(ids, golds, gold_set.extra_metrics)
    if threshold is not None:
        ratios.update(threshold_ratios(rankings, golds, threshold))
    return ratios


# Metrics reported as a ratio to the reference set's (a translated set to its English one).
PAIRED_METRICS = ("RP@5", "MRR")


def with_ratios(
    result: SetResult,
    ratios: dict[str, Ratio],
    reference: dict[str, Ratio],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> SetResult:
    """The result with "<metric>/ref": its metric over the reference set's, query by query."""
    extra = {
        f"{m}/ref": paired_ratio(ratios[m], reference[m], resamples=resamples, seed=seed)
        for m in PAIRED_METRICS
    }
    return result.model_copy(update={"metrics": {**result.metrics, **extra}})


def evaluate_set(
    gold_set: GoldSet,
    ranker: Ranker,
    framework: str,
    *,
    depth: int = DEFAULT_DEPTH,
    threshold: float | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    calibrated: bool = False,
    fit_sets: Sequence[str] = (),
    system: str = "default",
    kept: dict[str, dict[str, Ratio]] | None = None,
) -> SetResult:
    """Rank one set's queries and measure them (with `calibrated`, the ranker gives
    confidences: `threshold` is on them and a reliability table is added).

    `kept` collects each set's per-query values by (set, system), so that a set translating
    an earlier one (`GoldSet.reference`) gets its ratios to it.
    """
    start = time.perf_counter()
    rankings = rank_set(ranker, framework, [q.text for q in gold_set.queries], depth)
    seconds = time.perf_counter() - start
    ratios = set_ratios(rankings, gold_set, threshold)
    metrics = {n: bootstrap(r, resamples=resamples, seed=seed) for n, r in ratios.items()}
    reliability = _reliability(rankings, gold_set, fit_sets) if calibrated else None
    result = SetResult(
        name=gold_set.name,
        system=system,
        framework=framework,
        n_queries=gold_set.n_with_gold,
        n_unmatched=len(gold_set.queries) - gold_set.n_with_gold,
        metrics=metrics,
        timings=SetTimings(
            rank_seconds=round(seconds, 3),
            queries_per_second=round(len(rankings) / seconds, 1) if seconds > 0 else 0.0,
        ),
        stats=dict(gold_set.stats),
        reliability=reliability,
    )
    if kept is None:
        return result
    kept[f"{gold_set.name}\0{system}"] = ratios
    reference = kept.get(f"{gold_set.reference}\0{system}") if gold_set.reference else None
    if reference is None:
        return result
    return with_ratios(result, ratios, reference, resamples=resamples, seed=seed)


def _reliability(
    rankings: Sequence[Ranking], gold_set: GoldSet, fit_sets: Sequence[str]
) -> Reliability:
    """Confidence bins of the top-10 candidates against how often they are gold."""
    confidences: list[float] = []
    accepted: list[bool] = []
    for ranking, query in zip(rankings, gold_set.queries, strict=True):
        for cid, confidence in ranking[:RELIABILITY_DEPTH]:
            confidences.append(confidence)
            accepted.append(cid in query.gold)
    return Reliability(
        depth=RELIABILITY_DEPTH,
        ece=round(expected_calibration_error(confidences, accepted), 4),
        bins=[
            ReliabilityBin(low=low, high=high, n=n, accepted=round(rate, 4))
            for low, high, n, rate in reliability_table(confidences, accepted)
        ],
        fit_data=gold_set.name in fit_sets,
    )


def evaluate(
    sets: Sequence[GoldSet],
    matcher_or_ranker: Matcher | Ranker,
    framework_name: str | None = None,
    *,
    depth: int = DEFAULT_DEPTH,
    threshold: float | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    model: str | None = None,
    fingerprint: str | None = None,
    config: dict[str, str] | None = None,
    calibrated: bool = False,
    baselines: Mapping[str, Ranker] | None = None,
) -> EvaluationReport:
    """Evaluate each set against its own framework (`GoldSet.framework`) or `framework_name`.

    With `calibrated` (a Matcher with a calibration), the threshold metrics are taken at the
    calibration's operating point and every set gets a reliability table. Each of
    `baselines` (name -> ranker) adds a row per set after the default's.
    """
    start = time.perf_counter()
    fit_sets: Sequence[str] = ()
    if isinstance(matcher_or_ranker, Matcher):
        ranker: Ranker = MatcherRanker(matcher_or_ranker, by_confidence=calibrated)
        model = model or matcher_or_ranker.encoder.name
        fingerprint = fingerprint or matcher_or_ranker.encoder.fingerprint
        if calibrated and matcher_or_ranker.calibration is not None:
            threshold = matcher_or_ranker.calibration.min_confidence
            fit_sets = matcher_or_ranker.calibration.fit_sets
    elif calibrated:
        raise InputError("a calibrated evaluation needs a Matcher", field="threshold")
    else:
        ranker = matcher_or_ranker
    kept: dict[str, dict[str, Ratio]] = {}
    results = [
        evaluate_set(
            s,
            ranker,
            _framework_of(s, framework_name),
            depth=depth,
            threshold=threshold,
            resamples=resamples,
            seed=seed,
            calibrated=calibrated,
            fit_sets=fit_sets,
            kept=kept,
        )
        for s in sets
    ]
    for system, baseline in (baselines or {}).items():
        results += [
            evaluate_set(
                s,
                baseline,
                _framework_of(s, framework_name),
                depth=depth,
                resamples=resamples,
                seed=seed,
                system=system,
                kept=kept,
            )
            for s in sets
        ]
    return EvaluationReport(
        model=model or "unknown",
        fingerprint=fingerprint or "",
        depth=depth,
        threshold=threshold,
        threshold_on="confidence" if calibrated else "score",
        bootstrap_resamples=resamples,
        bootstrap_seed=seed,
        config=dict(config or {}),
        sets=results,
        total_seconds=round(time.perf_counter() - start, 2),
    )


def _framework_of(gold_set: GoldSet, default: str | None) -> str:
    framework = gold_set.framework or default
    if framework is None:
        raise InputError(f"gold set {gold_set.name!r} names no framework; pass one")
    return framework
