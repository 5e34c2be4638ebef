"""`outcome-matcher serve`: the HTTP service (API and reviewer UI)."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors
from outcome_matcher.config import Settings


@app.command("serve")
def serve_cli(
    host: Annotated[str | None, typer.Option(help="default 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default 8000")] = None,
) -> None:
    """Run the HTTP service (OpenAPI docs at /docs); it migrates the database first."""
    import uvicorn

    from outcome_matcher.app import create_app

    settings = Settings()
    with errors():
        uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)
