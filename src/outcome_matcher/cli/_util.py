"""The Typer app and the helpers every command shares: errors, store, progress, files."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from outcome_matcher.config import Settings
from outcome_matcher.encoders import set_threads
from outcome_matcher.errors import InputError, OutcomeMatcherError
from outcome_matcher.i18n import Translator, from_environment, normalize, translator
from outcome_matcher.i18n.errors import error_message
from outcome_matcher.retrieval.index import ProgressCallback
from outcome_matcher.store import Store

app = typer.Typer(
    help="Match learning outcomes to competency frameworks, offline and multilingual.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    # The one place the CLI sets torch and FAISS threads (their defaults oversubscribe).
    set_threads(Settings().threads)


def cli_language(settings: Settings | None = None) -> str:
    """OUTCOME_MATCHER_LANG, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    chosen = (settings or Settings()).lang
    return normalize(chosen) or from_environment(os.environ)


def tr(settings: Settings | None = None) -> Translator:
    """The command line's messages and progress labels in the user's language."""
    return translator(cli_language(settings))


@contextlib.contextmanager
def errors() -> Iterator[None]:
    """Show our errors as one clear message and a non-zero exit, not a traceback."""
    try:
        yield
    except OutcomeMatcherError as error:
        t = tr()
        head = t.gettext("error:")
        err.print(f"[red]{head}[/red] {error_message(error, t)}", highlight=False, markup=True)
        raise typer.Exit(code=2 if error.status < 500 else 1) from None
    except UnicodeDecodeError as error:
        t = tr()
        text = t.gettext("input is not valid UTF-8 (byte %(byte)s)") % {"byte": error.start}
        err.print(f"[red]{t.gettext('error:')}[/red] {text}", highlight=False, markup=True)
        raise typer.Exit(code=2) from None


@contextlib.contextmanager
def opened_store(settings: Settings, *, migrate: bool = False) -> Iterator[Store]:
    """The configured store; only `db upgrade`, `setup`, `serve` and `demo` migrate it."""
    store = Store.open(settings.db_url, migrate=migrate)
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*Progress.get_default_columns()[:1], *columns, console=err) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextlib.contextmanager
def open_in(name: str) -> Iterator[TextIO]:
    """A UTF-8 input file, or standard input for "-"."""
    if name == "-":
        yield sys.stdin
        return
    path = Path(name)
    if not path.is_file():
        raise InputError("file does not exist", file=name)
    with path.open(encoding="utf-8", errors="strict") as handle:
        yield handle


@contextlib.contextmanager
def open_out(name: str) -> Iterator[TextIO]:
    """A UTF-8 output file, or standard output for "-"."""
    if name == "-":
        yield sys.stdout
        return
    with Path(name).open("w", encoding="utf-8") as handle:
        yield handle
