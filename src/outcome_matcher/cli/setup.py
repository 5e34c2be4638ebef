"""`outcome-matcher setup`: build the configured model (and its ONNX form), create the database."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, opened_store, out
from outcome_matcher.config import Settings
from outcome_matcher.encoders import ensure_model, ensure_onnx_model


@app.command("setup")
def setup_cli(
    onnx: Annotated[bool, typer.Option("--onnx", help="also build the int8 ONNX model")] = False,
) -> None:
    """Build the configured model into the data directory and create the database."""
    settings = Settings()
    with errors():
        path = ensure_model(settings)
        if onnx:
            out.print(f"int8 ONNX model ready at {ensure_onnx_model(settings)}")
        with opened_store(settings, migrate=True):
            pass
    out.print(f"model ready at {path}\ndatabase ready at {settings.db_url}")
