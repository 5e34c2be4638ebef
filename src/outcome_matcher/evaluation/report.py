"""The evaluation report: per-set metrics with confidence intervals, as a table or JSON."""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

from outcome_matcher.evaluation.metrics import MetricValue

# Column order of the table; metrics shown as percentages (the papers' convention) or as is.
TABLE_METRICS = (
    "RP@5", "RP@10", "MRR", "R@10", "Acc@1", "RP@5/ref", "MRR/ref", "P@thr", "R@thr",
)  # fmt: skip
PERCENT_METRICS = frozenset({"RP@5", "RP@10", "R@10", "Acc@1", "P@thr", "R@thr"})


class SetTimings(BaseModel):
    """Wall-clock seconds spent on one set (index building is reported separately)."""

    rank_seconds: float
    queries_per_second: float


class ReliabilityBin(BaseModel):
    """Candidates whose confidence fell in [low, high) and the share of them that are gold."""

    low: float
    high: float
    n: int
    accepted: float


class Reliability(BaseModel):
    """Calibration quality on one set: confidence bins vs observed acceptance, and the ECE."""

    depth: int = Field(description="top candidates per query counted")
    ece: float = Field(description="expected calibration error over 10 bins")
    bins: list[ReliabilityBin]
    fit_data: bool = Field(False, description="the calibration was fitted on this set")


class SetResult(BaseModel):
    """One gold set's outcome."""

    name: str
    system: str = Field("default", description="the ranker: default, or a baseline's name")
    framework: str
    n_queries: int = Field(description="queries with gold (ranking metrics are over these)")
    n_unmatched: int = Field(0, description="queries whose gold is empty (threshold metrics only)")
    metrics: dict[str, MetricValue]
    timings: SetTimings
    stats: dict[str, int] = Field(default_factory=dict)
    reliability: Reliability | None = None


class EvaluationReport(BaseModel):
    """All sets of one run, with the configuration that produced them."""

    model: str
    fingerprint: str
    depth: int = Field(description="ranked candidates per query (MRR counts 0 beyond)")
    threshold: float | None = None
    threshold_on: str = Field("score", description="what the threshold applies to")
    bootstrap_resamples: int
    bootstrap_seed: int
    config: dict[str, str] = Field(default_factory=dict)
    sets: list[SetResult]
    index_seconds: dict[str, float] = Field(default_factory=dict)
    total_seconds: float = 0.0


def row_name(result: SetResult) -> str:
    """The set's name, with the baseline's in brackets for a baseline row."""
    return result.name if result.system == "default" else f"{result.name} [{result.system}]"


def format_metric(name: str, metric: MetricValue) -> str:
    """'53.8 [43.1–64.0]' for percentages, '0.499 [0.41–0.59]' for MRR."""
    if name in PERCENT_METRICS:
        return f"{metric.value * 100:.1f} [{metric.low * 100:.1f}–{metric.high * 100:.1f}]"
    return f"{metric.value:.3f} [{metric.low:.2f}–{metric.high:.2f}]"


def _table(report: EvaluationReport) -> Table:
    shown = [m for m in TABLE_METRICS if any(m in s.metrics for s in report.sets)]
    title = f"{report.model} ({report.fingerprint}), depth {report.depth}, 95% bootstrap CI"
    table = Table(title=title, title_justify="left")
    table.add_column("set")
    table.add_column("n", justify="right")
    for name in shown:
        table.add_column(f"{name} (%)" if name in PERCENT_METRICS else name, justify="right")
    table.add_column("q/s", justify="right")
    for result in report.sets:
        cells = [format_metric(m, result.metrics[m]) if m in result.metrics else "" for m in shown]
        rate = f"{result.timings.queries_per_second:.0f}"
        table.add_row(row_name(result), str(result.n_queries), *cells, rate)
    return table


def format_table(report: EvaluationReport, *, width: int = 160) -> str:
    """The report as a plain-text table (no colour codes), one row per set."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(_table(report))
    for result in report.sets:
        if result.reliability is not None:
            console.print(_reliability_title(result.name, result.reliability))
            console.print(_reliability_table(result.reliability))
    return buffer.getvalue()


def _reliability_title(name: str, reliability: Reliability) -> str:
    title = f"{name}: reliability of the top-{reliability.depth} candidates"
    title += f" (ECE {reliability.ece:.3f})"
    return title + (" — fit data, not an independent check" if reliability.fit_data else "")


def _reliability_table(reliability: Reliability) -> Table:
    table = Table()
    for column in ("confidence", "candidates", "observed acceptance"):
        table.add_column(column, justify="right")
    for b in reliability.bins:
        table.add_row(f"{b.low:.1f}–{b.high:.1f}", str(b.n), f"{b.accepted:.3f}")
    return table


def format_markdown(report: EvaluationReport) -> str:
    """The report as a Markdown table, for docs and issue notes."""
    shown = [m for m in TABLE_METRICS if any(m in s.metrics for s in report.sets)]
    head = ["set", "n", *(f"{m} (%)" if m in PERCENT_METRICS else m for m in shown)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in report.sets:
        cells = [format_metric(m, r.metrics[m]) if m in r.metrics else "" for m in shown]
        lines.append("| " + " | ".join([row_name(r), str(r.n_queries), *cells]) + " |")
    return "\n".join(lines) + "\n"


def write_report(report: EvaluationReport, path: Path) -> None:
    """Write the report as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


def read_report(path: Path) -> EvaluationReport:
    return EvaluationReport.model_validate_json(path.read_text(encoding="utf-8"))
