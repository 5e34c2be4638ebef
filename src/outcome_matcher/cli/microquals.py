"""`outcome-matcher microquals`: design, check, recognise, list, show, export, sign off, publish."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from outcome_matcher.cli._util import app, errors, opened_store, out, progress_bar
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.errors import InputError
from outcome_matcher.microquals.credentials import read_credential
from outcome_matcher.microquals.design import Grain
from outcome_matcher.microquals.records import ExportFormat, export_document, publish
from outcome_matcher.microquals.workflows import (
    DesignRequest,
    check_against,
    design,
    recognise_against,
)
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.schemas.micro_qualification import MicroQualification
from outcome_matcher.services import load_matcher
from outcome_matcher.store import Store, UserInfo

mq_app = typer.Typer(help="Micro-qualifications: design, check, recognise, issue.")
app.add_typer(mq_app, name="microquals")
As = Annotated[str, typer.Option("--as", help="the user acting (a designer or an admin)")]


@contextlib.contextmanager
def _store() -> Iterator[Store]:
    with errors(), opened_store(Settings()) as store:
        yield store


@contextlib.contextmanager
def _matching(frameworks: list[str]) -> Iterator[tuple[Store, Matcher]]:
    settings = Settings()
    with errors(), opened_store(settings) as store:
        yield store, load_matcher(settings, store, load_encoder(settings), frameworks=frameworks)


def _user(store: Store, name: str) -> UserInfo:
    found = next((u for u in store.list_users() if u.name == name), None)
    if found is None:
        raise InputError(f"unknown user {name!r}", field="--as")
    return found


def _dump(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@mq_app.command("design")
def design_cli(
    framework: Annotated[str, typer.Option(help="framework of the targets, e.g. esco")],
    catalogue: Annotated[list[str], typer.Option(help="catalogue(s) to build from")],
    standard: Annotated[str | None, typer.Option(help="standard key or exact label")] = None,
    unit: Annotated[str | None, typer.Option(help="one unit of the standard")] = None,
    competency: Annotated[list[str] | None, typer.Option(help="target competency id")] = None,
    gaps_of: Annotated[str | None, typer.Option(help="a programme: its gaps")] = None,
    title: Annotated[str, typer.Option()] = "",
    grain: Annotated[str, typer.Option(help="module or outcome")] = "module",
    save_as: Annotated[str | None, typer.Option("--save-as", help="save the draft as user")] = None,
) -> None:
    """The minimum-credit modules covering the targets; prints the design as JSON."""
    with _matching([framework]) as (store, matcher), progress_bar("scoring") as progress:
        if grain not in ("module", "outcome"):
            raise InputError("--grain is module or outcome", field="grain")
        request = DesignRequest(
            framework=framework, standard=standard, unit=unit, competency_ids=competency or [],
            gaps_of=gaps_of, catalogues=catalogue, title=title, grain=_grain(grain),
        )  # fmt: skip
        result = design(store, matcher, request, progress=progress)
        if save_as:
            saved = store.create_micro_qualification(
                result.micro_qualification, caller=_user(store, save_as)
            )
            result.micro_qualification.id = saved.id
    _dump(result.model_dump(mode="json"))


def _grain(value: str) -> Grain:
    return "outcome" if value == "outcome" else "module"


def _read_mq(file: Path) -> MicroQualification:
    if not file.is_file():
        raise InputError("file does not exist", file=str(file))
    try:
        return MicroQualification.model_validate_json(file.read_bytes())
    except ValueError as exc:
        raise InputError(f"not a micro_qualification: {exc}", file=str(file)) from exc


@mq_app.command("check")
def check_cli(
    file: Path,
    framework: Annotated[str | None, typer.Option()] = None,
    standard: Annotated[str | None, typer.Option()] = None,
    catalogue: Annotated[list[str] | None, typer.Option(help="overlap with")] = None,
) -> None:
    """Check a proposal (a micro_qualification JSON file) against its targets."""
    with errors():
        mq = _read_mq(file)
        fw = framework or (mq.targets.framework if mq.targets else None)
        if fw is None:
            raise InputError("name --framework (the proposal has no targets)", field="framework")
    with _matching([fw]) as (store, matcher):
        report = check_against(
            store, matcher, mq, framework=fw, standard=standard, catalogues=catalogue or []
        )
    _dump(report.model_dump(mode="json"))


@mq_app.command("recognise")
def recognise_cli(
    file: Path,
    catalogue: Annotated[str | None, typer.Option(help="the local catalogue")] = None,
    framework: Annotated[str | None, typer.Option()] = None,
    standard: Annotated[str | None, typer.Option(help="a national standard")] = None,
) -> None:
    """Recognise an Open Badges 3.0 or ELM 3 credential (JSON / JSON-LD)."""
    with errors():
        if not file.is_file():
            raise InputError("file does not exist", file=str(file))
        imported = read_credential(file.read_bytes(), file=str(file))
    with _matching([framework] if framework else []) as (store, matcher):
        result = recognise_against(
            store, matcher, imported.micro_qualification, catalogue=catalogue,
            framework=framework, standard=standard,
        )  # fmt: skip
    _dump(result.model_dump(mode="json"))


@mq_app.command("list")
def list_cli(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The stored micro-qualifications (current versions)."""
    with _store() as store:
        records = store.list_micro_qualifications()
    rows = [
        {"id": r.id, "title": r.title, "status": r.status, "version": r.version,
         "missing": r.micro_qualification.missing_mandatory()}
        for r in records
    ]  # fmt: skip
    if as_json:
        _dump(rows)
        return
    for row in rows:
        out.print(f"{row['id']}  v{row['version']}  {row['status']:<9}  {row['title']}")


@mq_app.command("show")
def show_cli(
    key: str, html: Annotated[Path | None, typer.Option(help="write the one-pager")] = None
) -> None:
    """One micro_qualification as JSON (and, with --html, its one-page HTML)."""
    with _store() as store:
        record = store.get_micro_qualification(key)
    if html is not None:
        html.write_text(export_document(record, "html"), encoding="utf-8")
    _dump(record.model_dump(mode="json"))


@mq_app.command("export")
def export_cli(
    key: str,
    format: Annotated[str, typer.Option("--format", "-f", help="elm, ob3 or html")],
    output: Annotated[Path, typer.Option("--output", "-o")],
) -> None:
    """ELM 3 JSON-LD, an Open Badges 3.0 credential template, or the HTML one-pager."""
    with _store() as store:
        if format not in ("elm", "ob3", "html"):
            raise InputError("--format is elm, ob3 or html", field="format")
        fmt: ExportFormat = "elm" if format == "elm" else "ob3" if format == "ob3" else "html"
        text = export_document(store.get_micro_qualification(key), fmt)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output} ({output.stat().st_size:,} bytes)")


@mq_app.command("sign-off")
def sign_off_cli(
    key: str,
    reviewer: Annotated[str, typer.Option(help="the reviewer (not the owner)")],
    reject: Annotated[bool, typer.Option(help="record a rejection")] = False,
    comment: Annotated[str, typer.Option()] = "",
) -> None:
    with _store() as store:
        record = store.sign_off_micro_qualification(
            key, caller=_user(store, reviewer), verdict="rejected" if reject else "approved",
            comment=comment,
        )  # fmt: skip
    typer.echo(f"{record.id} v{record.version}: {record.signoffs[-1].verdict} by {reviewer}")


@mq_app.command("publish")
def publish_cli(key: str, user: As = "admin") -> None:
    """Publish; refused with the list of missing mandatory elements."""
    with _store() as store:
        record = publish(store, key, caller=_user(store, user))
    typer.echo(f"{record.id} published as version {record.version}")
