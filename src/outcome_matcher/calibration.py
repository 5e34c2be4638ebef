"""Map raw similarity scores to the probability that a reviewer accepts the link.

A candidate is described by its cosine `score`, its `gap` to the best candidate of the same
statement and its `rank`: a cosine of 0.85 means more when nothing else comes close. A
logistic regression over those features gives `confidence`; the operating point
`min_confidence` is where F1 is best on the fit data, and `threshold` is the raw score at
which a best-ranked candidate reaches it (what coverage matrices and review queues use).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

# Small learned artifacts live in the repository's models/ folder, beside the model cards.
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
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
    """confidence = sigmoid(weights · features + intercept).

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

    def confidence(self, score: float, *, gap: float = 0.0, rank: int = 1) -> float:
        x = _features(Candidate(score, gap, rank), self.features)
        z = sum(w * v for w, v in zip(self.weights, x, strict=True)) + self.intercept
        return round(1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0))), 4)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["weights"] = tuple(data["weights"])
        data["features"] = tuple(data["features"])
        data["fit_sets"] = tuple(data.get("fit_sets", ()))
        return cls(**data)


def calibration_path(model_name: str) -> Path:
    return MODELS_DIR / model_name / "calibration.json"


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
    cal = Calibration(
        model_name,
        tuple(round(float(w), 6) for w in weights),
        round(intercept, 6),
        threshold=0.0,
        features=names,
        fitted_on=fitted_on,
    )
    y = np.asarray(accepted, dtype=np.float64)
    conf = np.asarray([cal.confidence(c.score, gap=c.gap, rank=c.rank) for c in candidates])
    cut = best_f1_cut(conf, y, int(y.sum()) if n_gold is None else n_gold)
    return Calibration(
        cal.model_name,
        cal.weights,
        cal.intercept,
        threshold=round(_score_at(cal, cut), 6),
        min_confidence=cut,
        features=names,
        fitted_on=fitted_on,
        fit_sets=tuple(fit_sets),
    )


def _score_at(cal: Calibration, confidence: float) -> float:
    """The raw score at which a best-ranked candidate (gap 0, rank 1) reaches `confidence`."""
    i = cal.features.index("score")
    if cal.weights[i] <= 0:
        raise ValueError("calibration weight of the score must be positive")
    p = min(max(confidence, 1e-6), 1 - 1e-6)
    logit = math.log(p / (1 - p))
    best = _features(Candidate(0.0), cal.features)  # gap 0, rank 1; the score term apart
    rest = sum(w * v for j, (w, v) in enumerate(zip(cal.weights, best, strict=True)) if j != i)
    return (logit - cal.intercept - rest) / cal.weights[i]


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
