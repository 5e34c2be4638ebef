"""`outcome-matcher labels export | import`: reviewed labels as CSV, for a council offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, open_in, open_out, opened_store, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.errors import InputError
from outcome_matcher.review.label_tables import export_labels, import_labels
from outcome_matcher.schemas.labels import REVIEWABLE_LANGS

labels_app = typer.Typer(
    help="Export a framework's Russian, Kazakh and Uzbek labels as CSV; import the corrections."
)
app.add_typer(labels_app, name="labels")


@labels_app.command("export")
def labels_export_cli(
    framework: str,
    output: Annotated[str, typer.Option("--output", "-o", help="- = stdout")] = "-",
    lang: Annotated[
        list[str] | None, typer.Option(help="ru, kk or uz (repeatable); default all")
    ] = None,
) -> None:
    """Write every label in the users' languages with its status (machine or reviewed) and
    version; a council fills `new_label` and `reason` in the rows it corrects."""
    settings = Settings()
    langs = tuple(lang) if lang else REVIEWABLE_LANGS
    with errors():
        unknown = [x for x in langs if x not in REVIEWABLE_LANGS]
        if unknown:
            raise InputError(f"{', '.join(unknown)}: use ru, kk or uz", field="--lang")
        with opened_store(settings) as store:
            text = export_labels(store, framework, langs)
    with open_out(output) as dst:
        dst.write(text)


@labels_app.command("import")
def labels_import_cli(
    framework: str,
    path: Path,
    reviewer: Annotated[str, typer.Option(help="the existing user the reviews are by")],
) -> None:
    """Record each row with a `new_label` as a reviewed label: every row, or nothing if any
    row is bad or was reviewed since the export. Reindex the framework to match with them."""
    settings = Settings()
    with errors(), opened_store(settings) as store, open_in(str(path)) as src:
        result = import_labels(
            store,
            src.read(),
            framework=framework,
            reviewer=store.get_user(reviewer),
            file=path.name,
        )
    t = tr(settings)
    imported = t.ngettext(
        "%(num)d reviewed label imported", "%(num)d reviewed labels imported", result.imported
    ) % {"num": result.imported}
    unchanged = t.ngettext(
        "%(num)d already in force", "%(num)d already in force", result.unchanged
    ) % {"num": result.unchanged}
    out.print(f"{imported}, {unchanged}")
