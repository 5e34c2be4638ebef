"""`outcome-matcher catalogues add | list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from outcome_matcher import services
from outcome_matcher.catalogues import CatalogueFormat
from outcome_matcher.cli._util import app, errors, opened_store, out, tr
from outcome_matcher.config import Settings

catalogues_app = typer.Typer(help="Import and list catalogues of programmes.")
app.add_typer(catalogues_app, name="catalogues")


@catalogues_app.command("add")
def catalogues_add_cli(
    path: Path,
    name: Annotated[
        str | None, typer.Option(help="catalogue name (default: from the file)")
    ] = None,
    format: Annotated[
        CatalogueFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="default: recognised by content (csv, nested, rpd-yaml, rpd-docx)",
        ),
    ] = None,
) -> None:
    """Import programmes, modules and outcomes: CSV, JSON or YAML catalogues, or work programmes
    (знать / уметь / владеть in YAML or DOCX; a folder of them is one programme)."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        result = services.add_catalogue(
            store, path, name=name, max_chars=settings.max_text_chars, format=format
        )
    t = tr(settings)
    words = {
        "programmes": t.gettext("programmes"),
        "modules": t.gettext("modules"),
        "outcomes": t.gettext("outcomes"),
        "flagged": t.gettext("%(num)s decision(s) flagged for re-review"),
    }
    out.print(result.summary(words))


@catalogues_app.command("list")
def catalogues_list_cli() -> None:
    """List catalogues and their programmes."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        programmes = store.list_programmes(None)
    table = Table("catalogue", "programme", "title", "language", "modules")
    for p in programmes:
        table.add_row(p.catalogue, p.code, p.title, p.lang or "-", str(p.n_modules))
    out.print(table)
