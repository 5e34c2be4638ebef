"""Ranking metrics per query (RP@K, MRR, Recall@K, P/R at a threshold) and bootstrap CIs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20240601


class MetricValue(BaseModel):
    """A metric over a set of queries with its 95% bootstrap confidence interval."""

    model_config = ConfigDict(frozen=True)

    value: float
    low: float
    high: float
    n: int


def r_precision_at_k(ranked: Sequence[str], gold: frozenset[str], k: int) -> float:
    """|gold ∩ top k| / min(k, |gold|) (Decorte et al.); 1.0 means top k is as good as possible."""
    found = sum(1 for cid in ranked[:k] if cid in gold)
    return found / min(k, len(gold))


def reciprocal_rank(ranked: Sequence[str], gold: frozenset[str]) -> float:
    """1 / rank of the first gold id, 0 when no gold id was retrieved."""
    for rank, cid in enumerate(ranked, start=1):
        if cid in gold:
            return 1.0 / rank
    return 0.0


def recall_at_k(ranked: Sequence[str], gold: frozenset[str], k: int) -> float:
    """|gold ∩ top k| / |gold|."""
    return sum(1 for cid in ranked[:k] if cid in gold) / len(gold)


@dataclass(frozen=True)
class Ratio:
    """Per-query numerator and denominator: a metric is sum(num) / sum(den) over queries.

    Mean-of-queries metrics have den = 1; micro precision and recall have counts.
    """

    num: np.ndarray
    den: np.ndarray

    def value(self) -> float:
        total = float(self.den.sum())
        return float(self.num.sum()) / total if total else 0.0


def threshold_counts(
    ranked: Sequence[tuple[str, float]], gold: frozenset[str], threshold: float
) -> tuple[int, int, int]:
    """(correct, predicted, gold) counting the ranked ids scored at or above `threshold`."""
    predicted = [cid for cid, score in ranked if score >= threshold]
    return sum(1 for cid in predicted if cid in gold), len(predicted), len(gold)


def ranking_ratios(
    rankings: Sequence[Sequence[str]],
    golds: Sequence[frozenset[str]],
    extra: Sequence[str] = (),
) -> dict[str, Ratio]:
    """RP@5, RP@10, MRR and R@10 over the queries that have gold; with "Acc@1" in `extra`,
    also the share of queries whose best candidate is gold."""
    pairs = [(r, g) for r, g in zip(rankings, golds, strict=True) if g]
    values: dict[str, list[float]] = {"RP@5": [], "RP@10": [], "MRR": [], "R@10": []}
    if "Acc@1" in extra:
        values["Acc@1"] = []
    for ranked, gold in pairs:
        values["RP@5"].append(r_precision_at_k(ranked, gold, 5))
        values["RP@10"].append(r_precision_at_k(ranked, gold, 10))
        values["MRR"].append(reciprocal_rank(ranked, gold))
        values["R@10"].append(recall_at_k(ranked, gold, 10))
        if "Acc@1" in values:
            values["Acc@1"].append(float(bool(ranked) and ranked[0] in gold))
    ones = np.ones(len(pairs))
    return {name: Ratio(np.asarray(v, dtype=np.float64), ones) for name, v in values.items()}


def threshold_ratios(
    rankings: Sequence[Sequence[tuple[str, float]]],
    golds: Sequence[frozenset[str]],
    threshold: float,
) -> dict[str, Ratio]:
    """Micro precision and recall of the suggestions at or above `threshold`, over all queries.

    Queries without gold count: whatever is suggested for them is a false positive.
    """
    counts = np.asarray(
        [threshold_counts(r, g, threshold) for r, g in zip(rankings, golds, strict=True)],
        dtype=np.float64,
    ).reshape(-1, 3)
    correct, predicted, gold = counts[:, 0], counts[:, 1], counts[:, 2]
    return {"P@thr": Ratio(correct, predicted), "R@thr": Ratio(correct, gold)}


def bootstrap(
    ratio: Ratio,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    level: float = 0.95,
) -> MetricValue:
    """The metric and its percentile bootstrap interval, resampling queries with replacement."""
    n = len(ratio.num)
    if n == 0:
        return MetricValue(value=0.0, low=0.0, high=0.0, n=0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(resamples, n))
    nums, dens = ratio.num[picks].sum(axis=1), ratio.den[picks].sum(axis=1)
    samples = np.divide(nums, dens, out=np.zeros_like(nums), where=dens > 0)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return MetricValue(value=ratio.value(), low=float(low), high=float(high), n=n)


def paired_ratio(
    mine: Ratio,
    reference: Ratio,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> MetricValue:
    """A metric of a set over the same metric of the set it translates (query by query, same
    order), with a bootstrap interval that resamples the queries of both together."""
    if len(mine.num) != len(reference.num):
        raise ValueError("paired sets must have the same queries")
    return bootstrap(Ratio(mine.num, reference.num), resamples=resamples, seed=seed)
