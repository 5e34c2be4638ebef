"""`outcome-matcher suggest`: JSON lines of suggestions, one per input statement."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, open_in, open_out, opened_store
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.learning.remember import load_memory
from outcome_matcher.retrieval.suggest import read_suggest_input, result_line, suggest
from outcome_matcher.services import load_matcher, standard_requirements


@app.command("suggest")
def suggest_cli(
    framework: Annotated[str, typer.Option(help="name of an imported framework")],
    input: Annotated[
        str, typer.Option("--input", "-i", help="JSON lines {id, text} or plain lines; - = stdin")
    ] = "-",
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=200)] = 10,
    output: Annotated[str, typer.Option("--output", "-o", help="- = stdout")] = "-",
    standard: Annotated[
        str | None, typer.Option(help="rank only this standard's requirements")
    ] = None,
    abstain: Annotated[
        bool,
        typer.Option(
            "--abstain", help="drop suggestions below the operating point (no forced match)"
        ),
    ] = False,
) -> None:
    """Write one JSON line of suggestions per input statement, best first."""
    settings = Settings()
    with errors(), opened_store(settings) as store, open_in(input) as src, open_out(output) as dst:
        matcher = load_matcher(settings, store, load_encoder(settings), frameworks=[framework])
        if settings.memory:
            load_memory(store, matcher, settings.data_dir, framework)
        among = standard_requirements(store, framework, standard) if standard else None
        for result in suggest(
            matcher,
            framework,
            read_suggest_input(src, source=input),
            top_k=top_k,
            batch_size=settings.batch_size,
            max_chars=settings.max_text_chars,
            abstain=abstain,
            among=among,
        ):
            dst.write(result_line(result) + "\n")
