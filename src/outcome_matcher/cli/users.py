"""`outcome-matcher users add | list`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from outcome_matcher.cli._util import app, errors, opened_store, out, tr
from outcome_matcher.config import Settings
from outcome_matcher.store.public import Role

users_app = typer.Typer(help="Users and their API tokens.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add_cli(
    name: str,
    role: Annotated[Role, typer.Option(help="admin, designer, reviewer or auditor")],
) -> None:
    """Create a user and print their API token once (only its hash is stored)."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        user, token = store.add_user(name, role, token_lifetime=settings.token_lifetime)
    text = tr(settings).gettext("user %(name)s (%(role)s) created. Token, shown only once:")
    out.print(text % {"name": user.name, "role": user.role})
    typer.echo(token)


@users_app.command("list")
def users_list_cli() -> None:
    """List users, their roles and whether they are active."""
    settings = Settings()
    with errors(), opened_store(settings) as store:
        users = store.list_users()
    table = Table("name", "role", "active")
    for u in users:
        table.add_row(u.name, u.role, "yes" if u.active else "no")
    out.print(table)
