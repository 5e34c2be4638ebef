"""`outcome-matcher db upgrade | downgrade | backup | restore`: the configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.store import downgrade, upgrade
from outcome_matcher.store.backup import backup, restore

db_app = typer.Typer(help="Database schema migrations, backups and restores.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade_cli(rev: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Migrate the configured database up (default: to the newest schema)."""
    settings = Settings()
    with errors():
        upgrade(settings.db_url, rev)
    out.print(tr(settings).gettext("database upgraded to %(rev)s") % {"rev": rev})


@db_app.command("downgrade")
def db_downgrade_cli(rev: Annotated[str, typer.Argument(help="e.g. base or 0001")]) -> None:
    """Migrate the configured database down to REV ("base" empties it)."""
    settings = Settings()
    with errors():
        downgrade(settings.db_url, rev)
    out.print(tr(settings).gettext("database downgraded to %(rev)s") % {"rev": rev})


@db_app.command("backup")
def db_backup_cli(path: Annotated[Path, typer.Argument(help="the backup file to write")]) -> None:
    """Copy the configured database to PATH (SQLite online backup; pg_dump -Fc for PostgreSQL)."""
    settings = Settings()
    with errors():
        backup(settings.db_url, path)
    out.print(f"database backed up to {path}")


@db_app.command("restore")
def db_restore_cli(
    path: Annotated[Path, typer.Argument(help="a file written by `db backup`")],
    force: Annotated[bool, typer.Option(help="replace a database that is not empty")] = False,
) -> None:
    """Replace the configured database with the backup at PATH."""
    settings = Settings()
    with errors():
        restore(settings.db_url, path, force=force)
    out.print(f"database restored from {path}; run `outcome-matcher db upgrade` if it is older")
