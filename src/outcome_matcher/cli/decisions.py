"""`outcome-matcher decisions export | import`: ESCO-style mapping tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, open_in, open_out, opened_store, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.review.mapping_table import export_csv, import_csv

decisions_app = typer.Typer(help="Export and import decisions as ESCO-style mapping tables.")
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("export")
def decisions_export_cli(
    programme: Annotated[str, typer.Option(help="programme code")],
    framework: Annotated[str, typer.Option(help="framework name")],
    output: Annotated[str, typer.Option("--output", "-o", help="- = stdout")] = "-",
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
) -> None:
    """Write a programme's current decisions as an ESCO-style mapping table (CSV)."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        text = export_csv(store, programme, framework, catalogue)
    with open_out(output) as dst:
        dst.write(text)


@decisions_app.command("import")
def decisions_import_cli(
    path: Path,
    framework: Annotated[str, typer.Option(help="framework the URIs belong to")],
    reviewer: Annotated[str, typer.Option(help="the existing user the decisions are by")],
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
) -> None:
    """Import a mapping table as decisions: every row, or nothing if any row is bad."""
    settings = Settings()
    with errors(), opened_store(settings) as store, open_in(str(path)) as src:
        result = import_csv(
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
