"""`outcome-matcher setup`: build the configured model (and its ONNX form), create the database."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, opened_store, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.encoders import ensure_model, ensure_onnx_model
from outcome_matcher.store.engine import safe_url


@app.command("setup")
def setup_cli(
    onnx: Annotated[bool, typer.Option("--onnx", help="also build the int8 ONNX model")] = False,
) -> None:
    """Build the configured model into the data directory and create the database."""
    settings = Settings()
    with errors():
        path = ensure_model(settings)
        if onnx:
            ready = tr(settings).gettext("int8 ONNX model ready at %(path)s")
            out.print(ready % {"path": ensure_onnx_model(settings)})
        with opened_store(settings, migrate=True):
            pass
    t = tr(settings)
    out.print(t.gettext("model ready at %(path)s") % {"path": path})
    out.print(t.gettext("database ready at %(url)s") % {"url": safe_url(settings.db_url)})
