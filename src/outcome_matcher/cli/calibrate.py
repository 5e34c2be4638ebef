"""`outcome-matcher calibrate --framework F [--standard S]`: refit confidence on the decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher import services
from outcome_matcher.cli._util import app, errors, opened_store
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.errors import InputError
from outcome_matcher.learning.recalibrate import MIN_EACH, Reliability, refit


@app.command("calibrate")
def calibrate_cli(
    framework: Annotated[str, typer.Option(help="the framework whose decisions to learn from")],
    standard: Annotated[str | None, typer.Option(help="only links of this standard")] = None,
    min_each: Annotated[
        int, typer.Option(min=5, help="accepted/partial and rejected decisions needed, each")
    ] = MIN_EACH,
    dry_run: Annotated[bool, typer.Option(help="show the tables, activate nothing")] = False,
) -> None:
    """Refit the confidence model on the store's decisions; activate it only if it is better
    on held-out programmes (lower calibration error, no higher log loss)."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        model = services.calibration_name(settings)
        if model is None:
            raise InputError("a custom model folder has no calibration to refit", field="model")
        matcher = services.load_matcher(settings, store, load_encoder(settings), [framework])
        result = refit(
            store,
            matcher,
            settings.data_dir,
            framework,
            model_name=model,
            standard=standard,
            min_each=min_each,
            activate=not dry_run,
        )
    r = result.record
    typer.echo(
        f"fitted on {r.n_decisions} decisions; held out {r.n_held_out} decisions of "
        f"{len(result.held_out_programmes)} programme(s): {', '.join(result.held_out_programmes)}"
    )
    _table("before (the calibration in force)", result.before)
    _table("after (the refit)", result.after)
    typer.echo(f"ECE      before {_num(r.ece_before)}  after {r.ece_after:.3f}")
    typer.echo(f"log loss before {_num(r.log_loss_before)}  after {r.log_loss_after:.3f}")
    if result.activated:
        typer.echo(f"activated: {framework} now uses the refit ({r.calibration.fitted_on})")
    else:
        why = "dry run" if dry_run else "not better on the held-out programmes"
        typer.echo(f"not activated ({why}): the calibration in force stays")


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(title: str, rows: Reliability | None) -> None:
    typer.echo(f"{title}:")
    if rows is None:
        typer.echo("  (no calibration)")
        return
    typer.echo("  confidence   n  accepted")
    for low, high, n, rate in rows:
        typer.echo(f"  {low:.1f}-{high:.1f} {n:5d}  {rate:.2f}")
