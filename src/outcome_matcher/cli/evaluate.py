"""`outcome-matcher evaluate` (also `python -m outcome_matcher.evaluation`): dev-set metrics."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors
from outcome_matcher.config import ModelName, Settings
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation import EscoOptions, evaluate_command
from outcome_matcher.evaluation.cache import seed_from_index
from outcome_matcher.evaluation.report import format_markdown, format_table
from outcome_matcher.retrieval.index import DEFAULT_FIELDS, parse_fields
from outcome_matcher.retrieval.lexical import parse_analyzers


@app.command("evaluate")
def evaluate_cli(
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--sets",
            help="dev sets: tech, house, de_ba, be_vdab_fr, xl-tech-en|ru|kk|uz, ru-ps-tf, "
            "ru-titles, melo_..., or the groups decorte, mapping, xl-tech, users, melo "
            "(default: all)",
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(help="your JSON-lines gold: id, text and gold (a list of competency ids)"),
    ] = None,
    framework: Annotated[str | None, typer.Option(help="imported framework for --gold")] = None,
    corpora: Annotated[Path | None, typer.Option(help="where the dev sets live")] = None,
    threshold: Annotated[
        str | None,
        typer.Option(
            help="operating threshold on the score, or 'calibrated': the model's calibration "
            "(its operating point on the confidence, and a reliability table per set)"
        ),
    ] = None,
    model: Annotated[ModelName | None, typer.Option(help="default: the configured model")] = None,
    fields: Annotated[str, typer.Option(help="ESCO texts to index")] = ",".join(DEFAULT_FIELDS),
    other_langs: Annotated[
        str, typer.Option(help="ESCO label languages to add: all, none or de,fr,nl,ru,kk,uz")
    ] = "all",
    lexical: Annotated[
        bool | None,
        typer.Option(help="fuse BM25 for sentences (default: OUTCOME_MATCHER_LEXICAL, on)"),
    ] = None,
    label_fusion: Annotated[
        bool | None,
        typer.Option(
            help="score a statement by its language's labels fused with the framework's own "
            "(default: OUTCOME_MATCHER_LABEL_FUSION, off)"
        ),
    ] = None,
    lexical_analyzers: Annotated[
        str | None,
        typer.Option(
            help="BM25 word analyzer per language, e.g. ru=lemma,kk=ngram4 "
            "(default: OUTCOME_MATCHER_LEXICAL_ANALYZERS)"
        ),
    ] = None,
    lexical_other_languages: Annotated[
        bool | None,
        typer.Option(
            help="BM25 over the other-language labels that have an analyzer, for sentences in "
            "their language "
            "(default: OUTCOME_MATCHER_LEXICAL_OTHER_LANGUAGES, on)"
        ),
    ] = None,
    baselines: Annotated[
        bool, typer.Option(help="add BM25-only and label-only rows for every set")
    ] = False,
    seed_index: Annotated[
        Path | None,
        typer.Option(help="a built framework index (DATA_DIR/indexes/esco) whose vectors to reuse"),
    ] = None,
    markdown: Annotated[bool, typer.Option(help="print a Markdown table")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSON report")] = None,
) -> None:
    """Evaluate on gold data: RP@5, RP@10, MRR, Recall@10 with 95% bootstrap intervals."""
    settings = Settings()
    switches = {
        "lexical": lexical,
        "label_fusion": label_fusion,
        "lexical_analyzers": lexical_analyzers,
        "lexical_other_languages": lexical_other_languages,
    }
    settings = settings.model_copy(update={k: v for k, v in switches.items() if v is not None})
    with errors():
        parse_analyzers(settings.lexical_analyzers)
        value = _threshold(threshold)
        esco = EscoOptions(fields=parse_fields(fields), other_langs=_langs(other_langs))
        if seed_index is not None:
            added = seed_from_index(seed_index, settings.data_dir / "evaluation" / "vectors")
            logging.getLogger(__name__).info("seeded %d vectors from %s", added, seed_index)
        report = evaluate_command(
            settings,
            sets,
            gold,
            framework,
            output,
            threshold=value,
            calibrated=threshold == "calibrated",
            corpora_dir=corpora,
            model=model,
            esco=esco,
            baselines=baselines,
        )
    # Plain echo: a rich console would re-wrap the table to the terminal's width.
    typer.echo(format_markdown(report) if markdown else format_table(report), nl=False)
    typer.echo(f"index seconds: {report.index_seconds}\ntotal: {report.total_seconds} s")


def _threshold(value: str | None) -> float | None:
    if value is None or value == "calibrated":
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(
            f"expected a number or 'calibrated', got {value!r}", field="threshold"
        ) from None


def _langs(value: str) -> tuple[str, ...] | None:
    if value == "all":
        return None
    return () if value == "none" else tuple(v.strip() for v in value.split(",") if v.strip())
