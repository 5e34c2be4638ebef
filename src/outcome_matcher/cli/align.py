"""`outcome-matcher align`: a thin wrapper over batch.align with a rate and ETA progress bar."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from outcome_matcher.batch.run import AlignOptions, Engine, align
from outcome_matcher.cli._util import app, err, errors, out, tr
from outcome_matcher.config import Settings


@contextlib.contextmanager
def _bar(description: str) -> Iterator[Callable[[int, int], None]]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]} outcomes/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err) as bar:
        task = bar.add_task(description, total=None, rate="-")

        def update(done: int, total: int) -> None:
            speed = bar.tasks[task].speed
            bar.update(task, completed=done, total=total, rate=f"{speed:.1f}" if speed else "-")

        yield update


@app.command("align")
def align_cli(
    catalogues: Annotated[
        list[Path], typer.Argument(help="CSV, JSON lines, Parquet, or catalogue YAML/JSON files")
    ],
    framework: Annotated[str, typer.Option(help="name of an imported framework")],
    output: Annotated[Path, typer.Option("--output", "-o", help="output directory")],
    standard: Annotated[
        str | None, typer.Option(help="rank only this standard's requirements")
    ] = None,
    engine: Annotated[Engine, typer.Option(help="local, or ray (RAY_ADDRESS)")] = "local",
    store: Annotated[bool, typer.Option("--store", help="save as a suggestion run")] = False,
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=200)] = 10,
    chunk_size: Annotated[int, typer.Option(min=1, help="rows per resumable chunk")] = 1000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="processes (local; default: threads) or Ray actors (default: CPUs)"
        ),
    ] = None,
    restart: Annotated[bool, typer.Option(help="discard a different run in OUTPUT")] = False,
) -> None:
    """Align whole catalogues; re-running the same command resumes an interrupted run."""
    options = AlignOptions(
        framework=framework,
        standard=standard,
        top_k=top_k,
        chunk_size=chunk_size,
        engine=engine,
        to_store=store,
        restart=restart,
        workers=workers,
    )
    settings = Settings()
    t = tr(settings)
    with errors(), _bar(t.gettext("aligning (%(engine)s)") % {"engine": engine}) as progress:
        result = align(catalogues, options, output, settings=settings, progress=progress)
    counts, timings = result.manifest["counts"], result.timings
    done = t.gettext(
        "%(rows)s outcomes, %(suggestions)s suggestions in %(output)s (%(rate)s outcomes/s)"
    ) % {
        "rows": counts["rows"],
        "suggestions": counts["suggestions"],
        "output": output,
        "rate": timings["rows_per_second"],
    }
    run = t.gettext("suggestion run %(run)s") % {"run": result.run_id} if result.run_id else ""
    out.print(done + (f"; {run}" if run else ""))
