"""Map raw similarity scores to the probability that a reviewer accepts the link.

A candidate is described by its cosine `score`, its `gap` to the best candidate of the same
statement and its `rank`: a cosine of 0.85 means more when nothing else comes close. A
logistic regression over those features ranks candidates; isotonic regression on its output
(Zadrozny & Elkan 2002) turns that into `confidence`, so that where the logistic curve's
shape is wrong (it under-states the best candidates) the observed rates still hold. The
operating point
`min_confidence` is where F1 is best on the fit data, and `threshold` is the raw score at
which a best-ranked candidate reaches it (what coverage matrices and review queues use).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from outcome_matcher.artifacts import calibration_file

FEATURES = ("score", "gap", "log_rank")


class Candidate(NamedTuple):
    """One suggestion as calibration sees it."""

    score: float
    gap: float = 0.0  # best score of the statement minus this score
    rank: int = 1  # 1 = the best candidate


def candidates_of(scores: Sequence[float]) -> list[Candidate]:
    """Candidates of one statement from its scores in ranked order (as Matcher.suggest does)."""
    top = max(scores, default=0.0)
    return [Candidate(s, top - s, i + 1) for i, s in enumerate(scores)]


def _features(c: Candidate, names: Sequence[str]) -> list[float]:
    values = {"score": c.score, "gap": c.gap, "log_rank": math.log(max(c.rank, 1))}
    return [values[n] for n in names]


@dataclass(frozen=True)
class Calibration:
    """confidence = isotonic(sigmoid(weights · features + intercept)).

    The isotonic map is piecewise linear through (`knots_in`, `knots_out`); without knots
    the logistic value is the confidence.

    Below `min_confidence` (on the raw score of a top candidate: below `threshold`) the
    matcher says "no adequate match" instead of forcing one. `fitted_on` names the data it
    was fitted on, which must never be the data it is reported on.
    """

    model_name: str
    weights: tuple[float, ...]
    intercept: float
    threshold: float
    min_confidence: float = 0.5
    features: tuple[str, ...] = ("score",)
    fitted_on: str = ""
    fit_sets: tuple[str, ...] = ()  # gold sets fitted on: their reports are not independent
    knots_in: tuple[float, ...] = ()
    knots_out: tuple[float, ...] = ()

    def logistic(self, score: float, *, gap: float = 0.0, rank: int = 1) -> float:
        x = _features(Candidate(score, gap, rank), self.features)
        z = sum(w * v for w, v in zip(self.weights, x, strict=True)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))

    def confidence(self, score: float, *, gap: float = 0.0, rank: int = 1) -> float:
        p = self.logistic(score, gap=gap, rank=rank)
        if self.knots_in:
            p = float(np.interp(p, self.knots_in, self.knots_out))
        return round(p, 4)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["weights"] = tuple(data["weights"])
        data["features"] = tuple(data["features"])
        for name in ("fit_sets", "knots_in", "knots_out"):
            data[name] = tuple(data.get(name, ()))
        return cls(**data)


def calibration_path(model_name: str) -> Path:
    """Where a model's shipped calibration lives (package data, see outcome_matcher.artifacts)."""
    return calibration_file(model_name)


def load_calibration(model_name: str) -> Calibration | None:
    """The shipped calibration for a model, or None when that model has none yet."""
    path = calibration_path(model_name)
    return Calibration.load(path) if path.exists() else None


def fit_logistic(
    x: np.ndarray, accepted: Sequence[bool], *, ridge: float = 1e-4, iterations: int = 100
) -> tuple[np.ndarray, float]:
    """Weights and intercept of a logistic regression by Newton's method (few features, exact).

    Features are standardised for the solve and the result mapped back, so `ridge` (a small
    L2 penalty that keeps separable data finite) means the same for every feature.
    """
    y = np.asarray(accepted, dtype=np.float64)
    if len(y) == 0 or y.min() == y.max():
        raise ValueError("calibration needs both accepted and rejected examples")
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    design = np.column_stack([(x - mean) / std, np.ones(len(y))])
    penalty = ridge * len(y) * np.diag([1.0] * x.shape[1] + [0.0])
    w = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    weights = w[:-1] / std
    return weights, float(w[-1] - (weights * mean).sum())


def best_f1_cut(confidences: np.ndarray, accepted: np.ndarray, n_gold: int) -> float:
    """The confidence cut with the best F1, recall counted over all `n_gold` gold links."""
    order = np.argsort(-confidences, kind="stable")
    hits = np.cumsum(accepted[order])
    predicted = np.arange(1, len(order) + 1)
    f1 = 2 * hits / (predicted + n_gold)
    best = int(np.argmax(f1))
    return float(confidences[order][best])


def fit_calibration(
    candidates: Sequence[Candidate],
    accepted: Sequence[bool],
    *,
    model_name: str,
    fitted_on: str,
    n_gold: int | None = None,
    features: Sequence[str] = FEATURES,
    fit_sets: Sequence[str] = (),
) -> Calibration:
    """Fit confidence on `features`, the F1-best operating point, and its raw-score threshold.

    `n_gold` counts every gold link of the fit queries, found among the candidates or not
    (default: the accepted candidates).
    """
    names = tuple(features)
    x = np.asarray([_features(c, names) for c in candidates], dtype=np.float64)
    weights, intercept = fit_logistic(x, accepted)
    y = np.asarray(accepted, dtype=np.float64)
    logistic = Calibration(
        model_name,
        tuple(round(float(w), 6) for w in weights),
        round(intercept, 6),
        threshold=0.0,
        features=names,
    )
    raw = np.asarray([logistic.logistic(c.score, gap=c.gap, rank=c.rank) for c in candidates])
    knots_in, knots_out = isotonic_knots(raw, y)
    cal = replace(logistic, knots_in=knots_in, knots_out=knots_out)
    conf = np.asarray([cal.confidence(c.score, gap=c.gap, rank=c.rank) for c in candidates])
    cut = best_f1_cut(conf, y, int(y.sum()) if n_gold is None else n_gold)
    return replace(
        cal,
        threshold=round(_score_at(cal, cut), 6),
        min_confidence=cut,
        fitted_on=fitted_on,
        fit_sets=tuple(fit_sets),
    )


def isotonic_knots(
    values: np.ndarray, accepted: np.ndarray, *, min_block: int = 50
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pool-adjacent-violators on (value, accepted): the non-decreasing acceptance rate.

    Returns knots (mean value, rate) of the pooled blocks for linear interpolation. Blocks
    hold at least `min_block` candidates, so a handful of lucky ones cannot make a step.
    """
    order = np.argsort(values, kind="stable")
    xs, ys = values[order], accepted[order]
    blocks: list[list[float]] = []  # [sum of values, sum of accepted, count]
    for start in range(0, len(xs), min_block):
        blocks.append(
            [
                float(xs[start : start + min_block].sum()),
                float(ys[start : start + min_block].sum()),
                float(len(xs[start : start + min_block])),
            ]
        )
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1] = [a + b for a, b in zip(blocks[-1], last, strict=True)]
    knots_in = tuple(round(b[0] / b[2], 6) for b in blocks)
    knots_out = tuple(round(b[1] / b[2], 6) for b in blocks)
    return knots_in, knots_out


def _score_at(cal: Calibration, confidence: float) -> float:
    """The lowest raw score at which a best-ranked candidate reaches `confidence` (bisection:
    confidence rises with the score of a best candidate)."""
    if cal.weights[cal.features.index("score")] <= 0:
        raise ValueError("calibration weight of the score must be positive")
    low, high = -1.0, 1.0
    if cal.confidence(high) < confidence:
        return high
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if cal.confidence(mid) < confidence else (low, mid)
    return high


def reliability_table(
    confidences: Sequence[float], accepted: Sequence[bool], bins: int = 10
) -> list[tuple[float, float, int, float]]:
    """Rows of (bin low, bin high, count, observed acceptance rate) for non-empty bins."""
    conf = np.asarray(confidences, dtype=np.float64)
    acc = np.asarray(accepted, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            rows.append(
                (float(edges[b]), float(edges[b + 1]), int(mask.sum()), float(acc[mask].mean()))
            )
    return rows


def expected_calibration_error(confidences: Sequence[float], accepted: Sequence[bool]) -> float:
    """Mean |confidence bin mean − observed rate|, weighted by bin size (10 equal bins)."""
    conf = np.asarray(confidences, dtype=np.float64)
    acc = np.asarray(accepted, dtype=np.float64)
    which = np.clip(np.digitize(conf, np.linspace(0.0, 1.0, 11)[1:-1]), 0, 9)
    total = 0.0
    for b in range(10):
        mask = which == b
        if mask.any():
            total += mask.sum() * abs(conf[mask].mean() - acc[mask].mean())
    return float(total / max(len(conf), 1))
