"""`outcome-matcher adapt train`: train the LoRA adapter shipped as package data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.adaptation.pairs import esco_pairs
from outcome_matcher.adaptation.train import TrainConfig, train_adapter
from outcome_matcher.artifacts import adapter_dir
from outcome_matcher.cli._util import app, errors
from outcome_matcher.config import Settings
from outcome_matcher.encoders import E5_ESCO_NAME, E5_NAME, set_threads
from outcome_matcher.encoders.build_e5 import build_e5_model
from outcome_matcher.evaluation.dev_sets import DEFAULT_CORPORA

adapt_app = typer.Typer(help="Domain adaptation of the encoder (LoRA on pairs from ESCO).")
app.add_typer(adapt_app, name="adapt")


@adapt_app.command("train")
def adapt_train_cli(
    output: Annotated[
        Path | None, typer.Option(help="adapter folder to write (default: the shipped one)")
    ] = None,
    corpora: Annotated[Path, typer.Option(help="where ESCO's CSV files live")] = DEFAULT_CORPORA,
    threads: Annotated[int, typer.Option(min=1)] = TrainConfig.threads,
) -> None:
    """Train the adapter on pairs ESCO itself provides (about 16 minutes on 2 cores)."""
    config = TrainConfig(threads=threads)
    set_threads(threads)
    with errors():
        pairs = esco_pairs(corpora, seed=config.seed)
        base = build_e5_model(Settings().models_dir / E5_NAME)
        report = train_adapter(base, pairs, output or adapter_dir(E5_ESCO_NAME), config)
    typer.echo(json.dumps(report, indent=2))
