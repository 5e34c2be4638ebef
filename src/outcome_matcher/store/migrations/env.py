"""Alembic environment: uses the caller's connection, else the URL from -x url=, ini or settings."""

from __future__ import annotations

from alembic import context

from outcome_matcher.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if url:
        return url
    from outcome_matcher.config import Settings

    return Settings().db_url


def _run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        # Called from outcome_matcher.store.migrate with an open connection and transaction.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    # The alembic command line: same engine rules (SQLite pragmas, BEGIN IMMEDIATE) as the store.
    from outcome_matcher.store.engine import WRITE_OPTION, make_engine

    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
