"""`outcome-matcher frameworks add | list | reindex | export | remove`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from outcome_matcher import services
from outcome_matcher.cli._util import app, errors, open_out, opened_store, out, progress_bar, tr
from outcome_matcher.cli.demo import default_corpora_dir
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.frameworks import Grain
from outcome_matcher.frameworks.esco import bundled_label_files
from outcome_matcher.retrieval.index import DEFAULT_FIELDS, parse_fields
from outcome_matcher.schemas import FrameworkFormat

ExportFormat = Literal["case"]

frameworks_app = typer.Typer(help="Import, list, re-index, export and remove frameworks.")
app.add_typer(frameworks_app, name="frameworks")


@frameworks_app.command("add")
def frameworks_add_cli(
    name: Annotated[str, typer.Argument(help="a short name, e.g. esco")],
    path: Annotated[Path, typer.Argument(help="directory or file to import")],
    format: Annotated[FrameworkFormat, typer.Option("--format", "-f")],
    version: Annotated[str | None, typer.Option(help="e.g. v1.1.1")] = None,
    labels: Annotated[
        list[Path] | None,
        typer.Option(
            help="ESCO only: a multilingual label file adding labels in other languages "
            "(repeatable; default: the bundled de/fr/nl and machine-translated ru/kk/uz labels)"
        ),
    ] = None,
    bundled_labels: Annotated[
        bool,
        typer.Option(help="ESCO only: without --labels, add the bundled label files"),
    ] = True,
    replace: Annotated[bool, typer.Option(help="replace an existing framework")] = False,
    fields: Annotated[
        str,
        typer.Option(
            help="competency texts to index, comma-separated: label, alt_label, hidden_label, "
            "description, other_lang_label"
        ),
    ] = ",".join(DEFAULT_FIELDS),
    grain: Annotated[
        Grain | None,
        typer.Option(
            help="profstandard/table: a competency per work function (default) or per item "
            "(skill, knowledge, labour action)"
        ),
    ] = None,
    level_scale: Annotated[
        str | None,
        typer.Option(help="table: the scale of its levels when it has no such column (kz_nqf ...)"),
    ] = None,
) -> None:
    """Import a framework, store it and build its index."""
    settings = Settings()
    t = tr(settings)
    label = t.gettext("indexing %(name)s") % {"name": name}
    with errors(), opened_store(settings) as store, progress_bar(label) as progress:
        info = services.add_framework(
            store,
            load_encoder(settings),
            settings,
            name=name,
            path=path,
            format=format,
            version=version,
            extra_labels=_label_files(format, labels, bundled_labels),
            replace=replace,
            fields=parse_fields(fields),
            progress=progress,
            grain=grain,
            level_scale=level_scale,
        )
    competencies = t.ngettext("%(num)d competency", "%(num)d competencies", info.n_competencies) % {
        "num": info.n_competencies
    }
    standards = t.ngettext("%(num)d standard", "%(num)d standards", info.n_standards) % {
        "num": info.n_standards
    }
    out.print(f"{info.name} {info.version}: {competencies}, {standards}")


@frameworks_app.command("list")
def frameworks_list_cli() -> None:
    """List stored frameworks with their index status: ready, queued, building n% (a full
    build the server runs), failed, partial (only some standards indexed) or missing."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        infos = store.list_frameworks()
        statuses = [services.index_status(store, settings, i.name) for i in infos]
    columns = ("name", "version", "format", "competencies", "standards", "status", "index model")
    table = Table(*columns)
    for i, status in zip(infos, statuses, strict=True):
        table.add_row(
            i.name,
            i.version,
            i.format,
            str(i.n_competencies),
            str(i.n_standards),
            status.label(),
            i.index_fingerprint or "-",
        )
    out.print(table)
    for status in statuses:
        if status.state == "failed":
            out.print(f"{status.framework}: {status.error}")


@frameworks_app.command("reindex")
def frameworks_reindex_cli(name: str) -> None:
    """Rebuild a framework's index with the configured model (and the reviewed labels)."""
    settings = Settings()
    t = tr(settings)
    label = t.gettext("indexing %(name)s") % {"name": name}
    with errors(), opened_store(settings) as store, progress_bar(label) as progress:
        services.reindex_framework(store, load_encoder(settings), settings, name, progress)
    out.print(t.gettext("%(name)s re-indexed") % {"name": name})


@frameworks_app.command("remove")
def frameworks_remove_cli(name: str) -> None:
    """Remove a framework and its index."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        services.remove_framework(store, settings, name)
    out.print(tr(settings).gettext("%(name)s removed") % {"name": name})


@frameworks_app.command("export")
def frameworks_export_cli(
    name: str,
    output: Annotated[str, typer.Option("--output", "-o", help="- = stdout")] = "-",
    standard: Annotated[
        str | None, typer.Option(help="export only this standard's requirements (its key)")
    ] = None,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="case")] = "case",
) -> None:
    """Write a framework (or one standard of it) as a CASE 1.1 CFPackage (JSON)."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        package = services.export_framework(store, name, standard)
    with open_out(output) as dst:
        dst.write(json.dumps(package, ensure_ascii=False, indent=2) + "\n")


def _label_files(
    format: FrameworkFormat, labels: list[Path] | None, bundled: bool
) -> list[Path] | None:
    """The label files for an import: the given ones, else (ESCO) the bundled ones."""
    if labels:
        return labels
    if format != "esco" or not bundled:
        return None
    return bundled_label_files(default_corpora_dir()) or None
