"""Command line: each command is a thin wrapper over a plain function in `operations`."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from outcome_matcher import operations
from outcome_matcher.batch.cli import align_cli
from outcome_matcher.config import Settings
from outcome_matcher.embedding import ensure_model, load_encoder
from outcome_matcher.errors import InputError, OutcomeMatcherError
from outcome_matcher.index import DEFAULT_FIELDS, ProgressCallback, parse_fields
from outcome_matcher.reports.cli import report_app
from outcome_matcher.schemas import FrameworkFormat
from outcome_matcher.store import Store
from outcome_matcher.store.models_public import Role

app = typer.Typer(
    help="Match learning outcomes to competency frameworks, offline and multilingual.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
frameworks_app = typer.Typer(help="Import, list, re-index and remove frameworks.")
catalogues_app = typer.Typer(help="Import and list catalogues of programmes.")
users_app = typer.Typer(help="Users and their API tokens.")
app.add_typer(frameworks_app, name="frameworks")
app.add_typer(catalogues_app, name="catalogues")
app.add_typer(users_app, name="users")
decisions_app = typer.Typer(help="Export and import decisions as ESCO-style mapping tables.")
db_app = typer.Typer(help="Database schema migrations.")
app.add_typer(decisions_app, name="decisions")
app.add_typer(db_app, name="db")
app.add_typer(report_app, name="report")

err = Console(stderr=True)
out = Console()


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Show our errors as one clear message and a non-zero exit, not a traceback."""
    try:
        yield
    except OutcomeMatcherError as error:
        err.print(f"[red]error:[/red] {error.message}", highlight=False, markup=True)
        raise typer.Exit(code=2 if error.status < 500 else 1) from None
    except UnicodeDecodeError as error:
        err.print(f"[red]error:[/red] input is not valid UTF-8 (byte {error.start})")
        raise typer.Exit(code=2) from None


@contextlib.contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    store = Store.open(settings.db_url)
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def _progress(description: str) -> Iterator[ProgressCallback]:
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*Progress.get_default_columns()[:1], *columns, console=err) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)


@app.command("setup")
def setup_cli(
    onnx: Annotated[bool, typer.Option("--onnx", help="also build the int8 ONNX model")] = False,
) -> None:
    """Build the configured model into the data directory and create the database."""
    settings = Settings()
    with _errors():
        path = ensure_model(settings)
        if onnx:
            from outcome_matcher.onnx_encoder import ensure_onnx_model

            out.print(f"int8 ONNX model ready at {ensure_onnx_model(settings)}")
        with _store(settings):
            pass
    out.print(f"model ready at {path}\ndatabase ready at {settings.db_url}")


@frameworks_app.command("add")
def frameworks_add_cli(
    name: Annotated[str, typer.Argument(help="a short name, e.g. esco")],
    path: Annotated[Path, typer.Argument(help="directory or file to import")],
    format: Annotated[FrameworkFormat, typer.Option("--format", "-f")],
    version: Annotated[str | None, typer.Option(help="e.g. v1.1.1")] = None,
    labels: Annotated[
        Path | None,
        typer.Option(help="ESCO only: a multilingual label file adding labels in other languages"),
    ] = None,
    replace: Annotated[bool, typer.Option(help="replace an existing framework")] = False,
    fields: Annotated[
        str,
        typer.Option(
            help="competency texts to index, comma-separated: label, alt_label, hidden_label, "
            "description, other_lang_label"
        ),
    ] = ",".join(DEFAULT_FIELDS),
) -> None:
    """Import a framework, store it and build its index."""
    settings = Settings()
    with _errors(), _store(settings) as store, _progress(f"indexing {name}") as progress:
        info = operations.add_framework(
            store,
            load_encoder(settings),
            settings,
            name=name,
            path=path,
            format=format,
            version=version,
            extra_labels=labels,
            replace=replace,
            fields=parse_fields(fields),
            progress=progress,
        )
    out.print(
        f"{info.name} {info.version}: {info.n_competencies} competencies, "
        f"{info.n_standards} standards"
    )


@frameworks_app.command("list")
def frameworks_list_cli() -> None:
    """List stored frameworks."""
    settings = Settings()
    with _errors(), _store(settings) as store:
        infos = store.list_frameworks()
    table = Table("name", "version", "format", "competencies", "standards", "index model")
    for i in infos:
        table.add_row(
            i.name,
            i.version,
            i.format,
            str(i.n_competencies),
            str(i.n_standards),
            i.index_fingerprint or "-",
        )
    out.print(table)


@frameworks_app.command("reindex")
def frameworks_reindex_cli(name: str) -> None:
    """Rebuild a framework's index with the configured model."""
    settings = Settings()
    with _errors(), _store(settings) as store, _progress(f"indexing {name}") as progress:
        operations.reindex_framework(store, load_encoder(settings), settings, name, progress)
    out.print(f"{name} re-indexed")


@frameworks_app.command("remove")
def frameworks_remove_cli(name: str) -> None:
    """Remove a framework and its index."""
    settings = Settings()
    with _errors(), _store(settings) as store:
        operations.remove_framework(store, settings, name)
    out.print(f"{name} removed")


@catalogues_app.command("add")
def catalogues_add_cli(
    path: Path,
    name: Annotated[
        str | None, typer.Option(help="catalogue name (default: from the file)")
    ] = None,
) -> None:
    """Import programmes, modules and outcomes from CSV, JSON or YAML."""
    settings = Settings()
    with _errors(), _store(settings) as store:
        result = operations.add_catalogue(store, path, name=name, max_chars=settings.max_text_chars)
    out.print(result.summary())


@catalogues_app.command("list")
def catalogues_list_cli() -> None:
    """List catalogues and their programmes."""
    settings = Settings()
    with _errors(), _store(settings) as store:
        programmes = store.list_programmes(None)
    table = Table("catalogue", "programme", "title", "language", "modules")
    for p in programmes:
        table.add_row(p.catalogue, p.code, p.title, p.lang or "-", str(p.n_modules))
    out.print(table)


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
    with _errors(), _store(settings) as store, _open_in(input) as src, _open_out(output) as dst:
        matcher = operations.load_matcher(settings, store, load_encoder(settings))
        among = operations.standard_requirements(store, framework, standard) if standard else None
        records = operations.read_suggest_input(src, source=input)
        for result in operations.suggest_records(
            matcher,
            framework,
            records,
            top_k=top_k,
            batch_size=settings.batch_size,
            max_chars=settings.max_text_chars,
            abstain=abstain,
            among=among,
        ):
            dst.write(operations.result_line(result) + "\n")


@users_app.command("add")
def users_add_cli(
    name: str,
    role: Annotated[Role, typer.Option(help="admin, designer, reviewer or auditor")],
) -> None:
    """Create a user and print their API token once (only its hash is stored)."""
    settings = Settings()
    with _errors(), _store(settings) as store:
        user, token = store.add_user(name, role)
    out.print(f"user {user.name} ({user.role}) created. Token, shown only once:")
    print(token)


@users_app.command("list")
def users_list_cli() -> None:
    """List users, their roles and whether they are active."""
    settings = Settings()
    with _errors(), _store(settings) as store:
        users = store.list_users()
    table = Table("name", "role", "active")
    for u in users:
        table.add_row(u.name, u.role, "yes" if u.active else "no")
    out.print(table)


@decisions_app.command("export")
def decisions_export_cli(
    programme: Annotated[str, typer.Option(help="programme code")],
    framework: Annotated[str, typer.Option(help="framework name")],
    output: Annotated[str, typer.Option("--output", "-o", help="- = stdout")] = "-",
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
) -> None:
    """Write a programme's current decisions as an ESCO-style mapping table (CSV)."""
    from outcome_matcher.mapping_table import export_csv

    settings = Settings()
    with _errors(), _store(settings) as store:
        text = export_csv(store, programme, framework, catalogue)
    with _open_out(output) as dst:
        dst.write(text)


@decisions_app.command("import")
def decisions_import_cli(
    path: Path,
    framework: Annotated[str, typer.Option(help="framework the URIs belong to")],
    reviewer: Annotated[str, typer.Option(help="the existing user the decisions are by")],
    catalogue: Annotated[str | None, typer.Option(help="when programme codes clash")] = None,
) -> None:
    """Import a mapping table as decisions: every row, or nothing if any row is bad."""
    from outcome_matcher.mapping_table import import_csv

    settings = Settings()
    with _errors(), _store(settings) as store, _open_in(str(path)) as src:
        result = import_csv(
            store,
            src.read(),
            framework=framework,
            reviewer=store.get_user(reviewer),
            catalogue=catalogue,
            file=path.name,
        )
    out.print(f"{result.imported} decision(s) imported, {result.unchanged} already in force")


@db_app.command("upgrade")
def db_upgrade_cli(rev: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Migrate the configured database up (default: to the newest schema)."""
    from outcome_matcher.store import upgrade

    settings = Settings()
    with _errors():
        upgrade(settings.db_url, rev)
    out.print(f"database upgraded to {rev}")


@db_app.command("downgrade")
def db_downgrade_cli(rev: Annotated[str, typer.Argument(help="e.g. base or 0001")]) -> None:
    """Migrate the configured database down to REV ("base" empties it)."""
    from outcome_matcher.store import downgrade

    settings = Settings()
    with _errors():
        downgrade(settings.db_url, rev)
    out.print(f"database downgraded to {rev}")


app.command("align")(align_cli)


@app.command("evaluate")
def evaluate_cli(
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--sets",
            help="dev sets: tech, house, de_ba, be_vdab_fr, melo_..., "
            "or the groups decorte, mapping, melo (default: all)",
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(help="your JSON-lines gold: id, text and gold (a list of competency ids)"),
    ] = None,
    framework: Annotated[str | None, typer.Option(help="imported framework for --gold")] = None,
    corpora: Annotated[Path | None, typer.Option(help="where the dev sets live")] = None,
    threshold: Annotated[
        str | None,
        typer.Option(
            help="operating threshold on the score, or 'calibrated': the model's calibration "
            "(its operating point on the confidence, and a reliability table per set)"
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSON report")] = None,
) -> None:
    """Evaluate on gold data: RP@5, RP@10, MRR, Recall@10 with 95% bootstrap intervals."""
    from outcome_matcher.evaluation import evaluate_command, format_table

    settings = Settings()
    with _errors():
        value: float | None = None
        if threshold is not None and threshold != "calibrated":
            try:
                value = float(threshold)
            except ValueError:
                raise InputError(
                    f"expected a number or 'calibrated', got {threshold!r}", field="threshold"
                ) from None
        report = evaluate_command(
            settings,
            sets,
            gold,
            framework,
            output,
            threshold=value,
            calibrated=threshold == "calibrated",
            corpora_dir=corpora,
        )
    out.print(format_table(report))


@app.command("serve")
def serve_cli(
    host: Annotated[str | None, typer.Option(help="default 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default 8000")] = None,
) -> None:
    """Run the HTTP service (OpenAPI docs at /docs)."""
    import uvicorn

    from outcome_matcher.api import create_app

    settings = Settings()
    with _errors():
        uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)


@app.command("demo")
def demo_cli(
    corpora: Annotated[Path | None, typer.Option(help="bundled data directory")] = None,
    serve: Annotated[bool, typer.Option(help="start the service afterwards")] = True,
) -> None:
    """Build the model, import ESCO and the sample programmes, then serve them."""
    from outcome_matcher.demo import default_corpora_dir, prepare_demo

    settings = Settings()
    with _errors():
        ensure_model(settings)
        with _store(settings) as store, _progress("indexing ESCO") as progress:
            state = prepare_demo(
                settings, store, load_encoder(settings), corpora or default_corpora_dir(), progress
            )
    for line in state.imported:
        out.print(f"imported {line}")
    if state.token:
        out.print(f"admin token (also saved to {state.token_file}):")
        print(state.token)
    else:
        out.print(f"log in with the admin token saved in {state.token_file}")
    out.print(f"open http://{settings.host}:{settings.port}/ (API docs at /docs)")
    if serve:
        serve_cli(None, None)


@contextlib.contextmanager
def _open_in(name: str) -> Iterator[TextIO]:
    if name == "-":
        yield sys.stdin
        return
    path = Path(name)
    if not path.is_file():
        raise InputError("file does not exist", file=name)
    with path.open(encoding="utf-8", errors="strict") as handle:
        yield handle


@contextlib.contextmanager
def _open_out(name: str) -> Iterator[TextIO]:
    if name == "-":
        yield sys.stdout
        return
    with Path(name).open("w", encoding="utf-8") as handle:
        yield handle
