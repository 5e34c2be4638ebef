"""`outcome-matcher db upgrade | downgrade`: Alembic migrations of the configured database."""

from __future__ import annotations

from typing import Annotated

import typer

from outcome_matcher.cli._util import app, errors, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.store import downgrade, upgrade

db_app = typer.Typer(help="Database schema migrations.")
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
