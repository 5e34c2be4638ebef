"""Map raw similarity scores to the probability that a reviewer accepts the link."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

# Small learned artifacts live in the repository's models/ folder, beside the model cards.
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"


@dataclass(frozen=True)
class Calibration:
    """Platt scaling: confidence = sigmoid(slope * score + intercept).

    `threshold` is the operating point on the raw score: below it the matcher says
    "no adequate match" instead of forcing one. `fitted_on` names the data it was fitted on,
    which must never be the data it is reported on.
    """

    model_name: str
    slope: float
    intercept: float
    threshold: float
    fitted_on: str = ""

    def confidence(self, score: float) -> float:
        z = self.slope * score + self.intercept
        return round(1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0))), 4)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def calibration_path(model_name: str) -> Path:
    return MODELS_DIR / model_name / "calibration.json"


def load_calibration(model_name: str) -> Calibration | None:
    """The shipped calibration for a model, or None when that model has none yet."""
    path = calibration_path(model_name)
    return Calibration.load(path) if path.exists() else None


def fit_platt(
    scores: Sequence[float], accepted: Sequence[bool], *, iterations: int = 100
) -> tuple[float, float]:
    """Fit slope and intercept of a logistic curve by Newton's method (few parameters, exact)."""
    x = np.asarray(scores, dtype=np.float64)
    y = np.asarray(accepted, dtype=np.float64)
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("calibration needs both accepted and rejected examples")
    # Platt's smoothed targets keep the fit finite when the classes separate perfectly.
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    design = np.column_stack([x, np.ones_like(x)])
    w = np.zeros(2)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(design @ w)))
        gradient = design.T @ (p - t)
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(w[0]), float(w[1])


def fit_calibration(
    scores: Sequence[float],
    accepted: Sequence[bool],
    *,
    model_name: str,
    fitted_on: str,
    target: float = 0.5,
) -> Calibration:
    """A calibration whose threshold is the score at which acceptance becomes `target` likely."""
    slope, intercept = fit_platt(scores, accepted)
    threshold = (math.log(target / (1 - target)) - intercept) / slope
    return Calibration(
        model_name=model_name,
        slope=round(slope, 6),
        intercept=round(intercept, 6),
        threshold=round(threshold, 6),
        fitted_on=fitted_on,
    )


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
