"""`outcome-matcher decisions export | import`: ESCO-style mapping tables and SKOS mappings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, open_in, open_out, opened_store, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.review.interchange import ExportFormat, export_decisions, import_decisions

decisions_app = typer.Typer(
    help="Export and import decisions as ESCO-style mapping tables (CSV) or SKOS mappings."
)
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("export")
def decisions_export_cli(
    programme: Annotated[str, typer.Option(help="programme code")],
    framework: Annotated[str, typer.Option(help="framework name")],
    output: Annotated[str, typer.Option("--output", "-o", help="- = stdout")] = "-",
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv, skos-ttl or skos-jsonld")
    ] = "csv",
) -> None:
    """Write a programme's current decisions as a mapping table (CSV) or SKOS mappings."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        text = export_decisions(store, programme, framework, catalogue, format)
    with open_out(output) as dst:
        dst.write(text)


@decisions_app.command("import")
def decisions_import_cli(
    path: Path,
    reviewer: Annotated[str, typer.Option(help="the existing user the decisions are by")],
    framework: Annotated[
        str | None,
        typer.Option(help="framework the URIs belong to (CSV; SKOS names it per decision)"),
    ] = None,
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
) -> None:
    """Import a mapping table (CSV) or SKOS mappings (Turtle, JSON-LD), recognised by content:
    every row, or nothing if any row is bad."""
    settings = Settings()
    with errors(), opened_store(settings) as store, open_in(str(path)) as src:
        result = import_decisions(
            store,
            src.read(),
            framework=framework,
            reviewer=store.get_user(reviewer),
            catalogue=catalogue,
            file=path.name,
        )
    t = tr(settings)
    imported = t.ngettext(
        "%(num)d decision imported", "%(num)d decisions imported", result.imported
    ) % {"num": result.imported}
    unchanged = t.ngettext(
        "%(num)d already in force", "%(num)d already in force", result.unchanged
    ) % {"num": result.unchanged}
    out.print(f"{imported}, {unchanged}")
