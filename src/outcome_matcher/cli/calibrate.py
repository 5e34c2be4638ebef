"""`outcome-matcher calibrate --framework F [--standard S] [--memory]`: refit confidence (or fit
the decision memory's fusion) on the decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher import services
from outcome_matcher.cli._util import app, errors, opened_store
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.errors import InputError
from outcome_matcher.learning.recalibrate import MIN_EACH, Reliability, refit
from outcome_matcher.learning.remember import fit_memory
from outcome_matcher.retrieval.memory import FUSION_FEATURES


@app.command("calibrate")
def calibrate_cli(
    framework: Annotated[str, typer.Option(help="the framework whose decisions to learn from")],
    standard: Annotated[str | None, typer.Option(help="only links of this standard")] = None,
    min_each: Annotated[
        int, typer.Option(min=5, help="accepted/partial and rejected decisions needed, each")
    ] = MIN_EACH,
    dry_run: Annotated[bool, typer.Option(help="show the tables, activate nothing")] = False,
    memory: Annotated[
        bool,
        typer.Option(
            help="fit the k-NN decision memory's fusion instead (used when "
            "OUTCOME_MATCHER_MEMORY is on); activated only if it ranks the held-out "
            "programmes' decisions better"
        ),
    ] = False,
) -> None:
    """Refit the confidence model on the store's decisions; activate it only if it is better
    on held-out programmes (lower calibration error, no higher log loss)."""
    settings = Settings()
    if memory:
        with errors():
            if standard is not None:
                raise InputError("--memory learns from all of the framework's decisions: "
                                 "leave out --standard", field="standard")  # fmt: skip
        _fit_memory(settings, framework, min_each, dry_run)
        return
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


def _fit_memory(settings: Settings, framework: str, min_each: int, dry_run: bool) -> None:
    with errors(), opened_store(settings) as store:
        matcher = services.load_matcher(settings, store, load_encoder(settings), [framework])
        found = fit_memory(
            store, matcher, settings.data_dir, framework, min_each=min_each, activate=not dry_run
        )
    typer.echo(
        f"fitted on {found.n_fit} decisions; held out {found.n_held_out} decisions of "
        f"{len(found.held_out_programmes)} programme(s): {', '.join(found.held_out_programmes)}"
    )
    weights = dict(zip(FUSION_FEATURES, found.fusion.weights, strict=True))
    typer.echo("weights: " + ", ".join(f"{k} {v:+.3f}" for k, v in weights.items()))
    typer.echo(f"held-out ROC AUC  before {found.auc_before:.3f}  after {found.auc_after:.3f}")
    if found.activated:
        typer.echo(
            f"activated: suggestions on {framework} use the memory when OUTCOME_MATCHER_MEMORY=1"
        )
    else:
        why = "dry run" if dry_run else "not better on the held-out programmes"
        typer.echo(f"not activated ({why})")
