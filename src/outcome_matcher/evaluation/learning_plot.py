"""The learning curve as a PNG: MRR and calibration error against the number of decisions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from outcome_matcher.evaluation.learning_curve import CurvePoint


def plot_curve(points: Sequence[CurvePoint], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    x = [max(p.decisions, 1) for p in points]  # 0 decisions drawn at 1 on the log axis
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    left.plot(
        x, [p.mrr_model for p in points], "o-", label="model (recalibration keeps the ranking)"
    )
    left.plot(x, [p.mrr_memory for p in points], "s-", label="model + k-NN memory")
    left.set(xscale="log", xlabel="decisions (0 drawn at 1)", ylabel="MRR", title="Ranking")
    right.plot(x, [p.ece_shipped for p in points], "k--", label="shipped calibration")
    right.plot(x, [p.ece_recalibrated for p in points], "o-", label="recalibrated")
    right.plot(x, [p.ece_memory for p in points], "s-", label="k-NN fusion")
    right.set(xscale="log", xlabel="decisions (0 drawn at 1)", ylabel="ECE", title="Calibration")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
