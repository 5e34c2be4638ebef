"""Evaluation on gold sets: loaders, metrics with bootstrap intervals, reports, the dev-set run."""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.config import Settings
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.dev_sets import (
    DEFAULT_CORPORA,
    DEV_SETS,
    EscoOptions,
    run_all_dev_sets,
    select_sets,
)
from outcome_matcher.evaluation.gold import (
    GoldQuery,
    GoldSet,
    load_decorte,
    load_esco_mapping,
    load_jsonl_gold,
)
from outcome_matcher.evaluation.melo import MeloSet, load_melo
from outcome_matcher.evaluation.metrics import (
    MetricValue,
    bootstrap,
    r_precision_at_k,
    recall_at_k,
    reciprocal_rank,
)
from outcome_matcher.evaluation.report import (
    EvaluationReport,
    SetResult,
    format_markdown,
    format_table,
    read_report,
    write_report,
)
from outcome_matcher.evaluation.runner import MatcherRanker, Ranker, evaluate

__all__ = [
    "DEFAULT_CORPORA",
    "DEV_SETS",
    "EscoOptions",
    "EvaluationReport",
    "GoldQuery",
    "GoldSet",
    "MatcherRanker",
    "MeloSet",
    "MetricValue",
    "Ranker",
    "SetResult",
    "bootstrap",
    "evaluate",
    "evaluate_command",
    "format_markdown",
    "format_table",
    "load_decorte",
    "load_esco_mapping",
    "load_jsonl_gold",
    "load_melo",
    "r_precision_at_k",
    "read_report",
    "recall_at_k",
    "reciprocal_rank",
    "run_all_dev_sets",
    "select_sets",
    "write_report",
]


def evaluate_command(
    settings: Settings,
    sets: list[str] | None,
    gold: Path | None,
    framework: str | None,
    output: Path | None,
    *,
    threshold: float | None = None,
    calibrated: bool = False,
    corpora_dir: Path | None = None,
    model: str | None = None,
    esco: EscoOptions | None = None,
    baselines: bool = False,
) -> EvaluationReport:
    """`outcome-matcher evaluate`: the dev sets, or a user's JSON-lines gold on a stored framework.

    With `gold`, the file is ranked against the imported framework `framework` (its index in
    the data directory); `sets` may be given too, and both go into one report. Without `gold`,
    the named dev sets (default: all) are evaluated, with `baselines` also by BM25 alone and
    by label-only embeddings. The report is written as JSON to `output`.
    With `calibrated`, threshold metrics are at the calibration's operating point.
    """
    reports: list[EvaluationReport] = []
    if gold is None or sets:
        reports.append(
            run_all_dev_sets(
                settings,
                corpora_dir or DEFAULT_CORPORA,
                model,
                sets=sets,
                esco=esco,
                threshold=threshold,
                calibrated=calibrated,
                baselines=baselines,
            )
        )
    if gold is not None:
        if not framework:
            raise InputError("--gold needs --framework: the imported framework", field="framework")
        reports.append(_evaluate_user_gold(settings, gold, framework, threshold, calibrated))
    report = reports[0] if len(reports) == 1 else _merge(reports[0], reports[1])
    if output is not None:
        write_report(report, output)
    return report


def _evaluate_user_gold(
    settings: Settings, gold: Path, framework: str, threshold: float | None, calibrated: bool
) -> EvaluationReport:
    from outcome_matcher import services
    from outcome_matcher.encoders import load_encoder
    from outcome_matcher.store import Store

    gold_set = load_jsonl_gold(gold, framework=framework)
    store = Store.open(settings.db_url)
    try:
        encoder = load_encoder(settings)
        matcher = services.load_matcher(settings, store, encoder, frameworks=[framework])
    finally:
        store.close()
    return evaluate([gold_set], matcher, framework, threshold=threshold, calibrated=calibrated)


def _merge(first: EvaluationReport, second: EvaluationReport) -> EvaluationReport:
    return first.model_copy(
        update={
            "sets": [*first.sets, *second.sets],
            "total_seconds": round(first.total_seconds + second.total_seconds, 2),
        }
    )
