"""`outcome-matcher report`: thin Typer wrappers over build_report, build_sector and build_diff."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.cli._util import app, cli_language, errors, opened_store, tr
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.errors import InputError
from outcome_matcher.reports.build import build_report, report_language
from outcome_matcher.reports.diff import build_diff
from outcome_matcher.reports.plots import PictureFormat
from outcome_matcher.reports.render import ReportFormat, format_from_path, render, render_picture
from outcome_matcher.reports.sector import ProgrammeRef, build_sector, programme_refs
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.services import load_matcher
from outcome_matcher.store import Store

report_app = typer.Typer(
    help="Coverage and gap reports: one programme (default), a sector view, a version diff.",
    invoke_without_command=True,
)
app.add_typer(report_app, name="report")
Framework = Annotated[str | None, typer.Option(help="framework name, e.g. esco")]
Standard = Annotated[str | None, typer.Option(help="standard key or exact label")]
Format = Annotated[
    ReportFormat | None, typer.Option("--format", "-f", help="default: from the file name")
]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="file to write")]
Lang = Annotated[
    str | None,
    typer.Option(help="language of HTML and XLSX (en, ru, kk, uz, uz_Cyrl); default: the CLI's"),
]


@contextlib.contextmanager
def _session(framework: str) -> Iterator[tuple[Store, Matcher]]:
    """Store and matcher of the configured framework, with the CLI's error handling."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        yield store, load_matcher(settings, store, load_encoder(settings), frameworks=[framework])


def _required(**values: object) -> None:
    missing = [f"--{name.replace('_', '-')}" for name, value in values.items() if value is None]
    if missing:
        text = tr().gettext("missing %(options)s") % {"options": ", ".join(missing)}
        raise typer.BadParameter(text)


def _format(format: ReportFormat | None, output: Path) -> ReportFormat:
    chosen = format or format_from_path(output)
    if chosen is None:
        raise InputError(f"say --format for {output.name} (html, xlsx, csv or json)")
    return chosen


def _written(path: Path) -> None:
    t = tr()
    size = t.decimal(path.stat().st_size, 0)
    typer.echo(t.gettext("wrote %(path)s (%(size)s bytes)") % {"path": path, "size": size})


@report_app.callback()
def report_cli(
    ctx: typer.Context,
    programme: Annotated[str | None, typer.Option(help="programme code")] = None,
    standard: Standard = None,
    framework: Framework = None,
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
    format: Format = None,
    output: Output = None,
    lang: Lang = None,
    heatmap: Annotated[Path | None, typer.Option(help="also write the heatmap (.png/.svg)")] = None,
) -> None:
    """Report one programme against a standard (HTML, XLSX, CSV or JSON)."""
    if ctx.invoked_subcommand is not None:
        return
    _required(programme=programme, standard=standard, framework=framework, output=output)
    assert programme and standard and framework and output  # narrowed by _required
    with _session(framework) as (store, matcher):
        report = build_report(
            store,
            matcher,
            programme=programme,
            framework=framework,
            standard=standard,
            catalogue=catalogue,
        )
        chosen = report_language(store, None, lang or cli_language())
        render(report, _format(format, output), output, chosen)
        if heatmap is not None:
            kind: PictureFormat = "svg" if heatmap.suffix == ".svg" else "png"
            render_picture(report, "heatmap", kind, heatmap, chosen)
    _written(output)


@report_app.command("sector")
def sector_cli(
    standard: Standard = None,
    framework: Framework = None,
    programme: Annotated[
        list[str] | None, typer.Option(help="CODE or CATALOGUE::CODE; repeatable")
    ] = None,
    catalogue: Annotated[
        list[str] | None, typer.Option(help="every programme of it; repeatable")
    ] = None,
    format: Format = None,
    output: Output = None,
    lang: Lang = None,
) -> None:
    """Several programmes against one standard, one row per programme."""
    _required(standard=standard, framework=framework, output=output)
    assert standard and framework and output
    with _session(framework) as (store, matcher):
        refs = programme_refs(store, programme or [], catalogue or [])
        sector = build_sector(
            store, matcher, framework=framework, standard=standard, programmes=refs
        )
        render(
            sector,
            _format(format, output),
            output,
            report_language(store, None, lang or cli_language()),
        )
    _written(output)


@report_app.command("diff")
def diff_cli(
    standard: Standard = None,
    framework: Framework = None,
    programme: Annotated[str | None, typer.Option(help="programme code (old version)")] = None,
    old_catalogue: Annotated[str | None, typer.Option(help="catalogue of the old version")] = None,
    new_catalogue: Annotated[str | None, typer.Option(help="catalogue of the new version")] = None,
    new_programme: Annotated[str | None, typer.Option(help="if its code changed")] = None,
    format: Format = None,
    output: Output = None,
    lang: Lang = None,
) -> None:
    """Two versions of a programme against one standard: coverage gained and lost."""
    _required(standard=standard, framework=framework, programme=programme, output=output)
    assert standard and framework and programme and output
    old = ProgrammeRef(catalogue=old_catalogue, programme=programme)
    new = ProgrammeRef(catalogue=new_catalogue, programme=new_programme or programme)
    with _session(framework) as (store, matcher):
        diff = build_diff(store, matcher, framework=framework, standard=standard, old=old, new=new)
        render(
            diff,
            _format(format, output),
            output,
            report_language(store, None, lang or cli_language()),
        )
    _written(output)
