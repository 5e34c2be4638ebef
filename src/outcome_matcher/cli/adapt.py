"""`outcome-matcher adapt train` (the shipped LoRA adapter) and `adapt --from-decisions`."""

from __future__ import annotations

import json
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher import services
from outcome_matcher.adaptation.pairs import esco_pairs
from outcome_matcher.adaptation.refresh import (
    MIN_ACCEPTED,
    DevCheck,
    DevScores,
    RefreshResult,
    refresh_adapter,
)
from outcome_matcher.adaptation.synthetic import model_neighbours, synthetic_pairs
from outcome_matcher.adaptation.train import TrainConfig, synthetic_config, train_adapter
from outcome_matcher.artifacts import adapter_dir
from outcome_matcher.cli._util import app, errors, opened_store, progress_bar, tr
from outcome_matcher.config import Settings
from outcome_matcher.encoders import (
    E5_ESCO_NAME,
    E5_NAME,
    Encoder,
    SentenceTransformerEncoder,
    active_adapter_dir,
    ensure_model,
    load_encoder,
    set_threads,
)
from outcome_matcher.encoders.adapter import build_adapted_model
from outcome_matcher.encoders.build_e5 import build_e5_model
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.dev_sets import DEFAULT_CORPORA, run_all_dev_sets


class Recipe(StrEnum):
    esco = "esco"
    synthetic = "synthetic"


adapt_app = typer.Typer(
    help="Domain adaptation of the encoder. `adapt train`: the LoRA adapter on pairs from "
    "ESCO. `adapt --from-decisions --framework F`: a candidate adapter trained on the store's "
    "reviewer decisions, installed in the data dir only if it ranks the held-out programmes' "
    "decisions better and every dev set holds (both adapters are evaluated: ESCO is encoded "
    "again, about 10 minutes on 2 cores); otherwise kept aside, with the reason."
)
app.add_typer(adapt_app, name="adapt")
DEV_SETS = ("tech", "house", "de_ba", "be_vdab_fr", "melo")


@adapt_app.callback(invoke_without_command=True)
def adapt_cli(
    ctx: typer.Context,
    from_decisions: Annotated[
        bool,
        typer.Option(
            "--from-decisions",
            help="refresh the active adapter from the store's reviewer decisions",
        ),
    ] = False,
    framework: Annotated[
        str | None, typer.Option(help="the framework whose decisions to learn from")
    ] = None,
    standard: Annotated[str | None, typer.Option(help="only links of this standard")] = None,
    sets: Annotated[
        list[str] | None, typer.Option(help="dev sets that must hold (repeatable)")
    ] = None,
    corpora: Annotated[
        Path, typer.Option(help="where ESCO and the dev sets live")
    ] = DEFAULT_CORPORA,
    min_accepted: Annotated[
        int, typer.Option(min=1, help="accepted decisions needed in the training programmes")
    ] = MIN_ACCEPTED,
    reindex: Annotated[
        bool, typer.Option(help="re-index the stored frameworks when the adapter is installed")
    ] = True,
) -> None:
    """Train, check and install adapters. With --from-decisions: train a candidate on the
    accepted links (rejected ones as hard negatives) plus a replay of ESCO's pairs, and install
    it only if it ranks the held-out programmes' decisions better and every dev set holds
    (each dev set is evaluated with both adapters: ESCO is encoded again, ~10 min on 2 cores)."""
    if ctx.invoked_subcommand is not None:
        return
    if not from_decisions:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    settings = Settings()
    set_threads(settings.threads)
    with errors(), opened_store(settings) as store:
        if framework is None:
            raise InputError("--from-decisions needs --framework", field="framework")
        if settings.model != E5_ESCO_NAME or settings.model_path is not None:
            raise InputError(f"only {E5_ESCO_NAME} has an adapter to refresh", field="model")
        base = build_e5_model(settings.models_dir / E5_NAME)
        result = refresh_adapter(
            store,
            settings,
            framework,
            base_dir=base,
            active_model_dir=ensure_model(settings),
            start=active_adapter_dir(settings),
            dev_check=_dev_check(settings, corpora, sets or list(DEV_SETS)),
            standard=standard,
            replay=esco_pairs(corpora, seed=TrainConfig.seed),
            min_accepted=min_accepted,
        )
        _print_refresh(result, settings)
        if result.installed and reindex:
            encoder = load_encoder(settings)  # merges the installed adapter
            for info in store.list_frameworks():
                label = tr(settings).gettext("indexing %(name)s") % {"name": info.name}
                with progress_bar(label) as progress:
                    services.reindex_framework(store, encoder, settings, info.name, progress)


def _dev_check(settings: Settings, corpora: Path, sets: list[str]) -> DevCheck:
    def check(encoder: Encoder) -> DevScores:
        report = run_all_dev_sets(settings, corpora, sets=sets, encoder=encoder)
        return {r.name: (r.metrics["MRR"].value, r.metrics["MRR"].low) for r in report.sets}

    return check


def _print_refresh(r: RefreshResult, settings: Settings) -> None:
    t = tr(settings)
    typer.echo(
        t.gettext(
            "trained on %(pairs)d pairs from %(decisions)d decisions (%(seconds)d s); "
            "held out %(held)d decisions of %(programmes)s"
        )
        % {
            "pairs": r.pairs,
            "decisions": r.fit_decisions,
            "seconds": round(r.train_seconds),
            "held": r.held_out_decisions,
            "programmes": ", ".join(r.held_out_programmes),
        }
    )
    typer.echo(
        t.gettext("held-out AUC (accepted above rejected): before %(before).3f, after %(after).3f")
        % {"before": r.auc_before, "after": r.auc_after}
    )
    for name, (before, low) in sorted(r.dev_before.items()):
        after = r.dev_after.get(name, (0.0, 0.0))[0]
        typer.echo(
            t.gettext(
                "dev set %(name)s: MRR before %(before).3f (lower bound %(low).3f), "
                "after %(after).3f"
            )
            % {"name": name, "before": before, "low": low, "after": after}
        )
    if r.installed:
        typer.echo(
            t.gettext("installed: the refreshed adapter is active (report in %(dir)s)")
            % {"dir": r.candidate_dir}
        )
        return
    typer.echo(t.gettext("kept aside in %(dir)s, not installed:") % {"dir": r.candidate_dir})
    for reason in r.reasons:
        typer.echo(f"  - {reason}")


def _label_neighbours(corpora: Path, adapter: Path) -> dict[str, list[str]]:
    """Hard-negative candidates: nearest labels by the model being continued (merged here)."""
    base = build_e5_model(Settings().models_dir / E5_NAME)
    with tempfile.TemporaryDirectory(prefix="adapt-start-") as tmp:
        model = build_adapted_model(base, adapter, Path(tmp) / "model")
        return model_neighbours(corpora, SentenceTransformerEncoder(model, batch_size=128))


@adapt_app.command("train")
def adapt_train_cli(
    output: Annotated[
        Path,
        typer.Option(
            help="adapter folder to write; required, so that a trial never overwrites the "
            "shipped adapter by default (pass its folder on purpose to replace it)"
        ),
    ],
    corpora: Annotated[Path, typer.Option(help="where ESCO's CSV files live")] = DEFAULT_CORPORA,
    threads: Annotated[int, typer.Option(min=1)] = TrainConfig.threads,
    recipe: Annotated[
        Recipe,
        typer.Option(
            help="esco: ESCO's own pairs from the base model (16 min); synthetic: continue "
            "from --start on the machine-written sentences and ru/kk/uz labels"
        ),
    ] = Recipe.esco,
    start: Annotated[
        Path | None,
        typer.Option(help="adapter to continue from (synthetic; default: the shipped one)"),
    ] = None,
    scale: Annotated[
        float, typer.Option(min=0.01, help="synthetic: every pair quota times this")
    ] = 1.0,
) -> None:
    """Train the adapter on pairs from ESCO (and, with --recipe synthetic, its sentences)."""
    set_threads(threads)
    with errors():
        pairs = esco_pairs(corpora, seed=TrainConfig.seed)
        begin = None
        if recipe is Recipe.synthetic:
            config = synthetic_config(scale=scale, threads=threads)
            begin = start or adapter_dir(E5_ESCO_NAME)
            neighbours = _label_neighbours(corpora, begin)
            pairs += synthetic_pairs(corpora, neighbours=neighbours, seed=config.seed)
        else:
            config = TrainConfig(threads=threads)
        base = build_e5_model(Settings().models_dir / E5_NAME)
        report = train_adapter(base, pairs, output, config, start=begin)
    typer.echo(json.dumps(report, indent=2))
