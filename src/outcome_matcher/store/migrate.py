"""Alembic migrations driven from code: upgrade, downgrade and revision checks."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from outcome_matcher.errors import StoreUnavailableError
from outcome_matcher.store.engine import WRITE_OPTION, make_engine, safe_url, translate_errors

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# PostgreSQL advisory lock key of schema migrations (any fixed 64-bit number; "om-migr").
MIGRATION_LOCK = 0x6F6D2D6D69677272


def alembic_config(url: str | None = None) -> Config:
    """A programmatic Alembic config for this package's migrations (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def run_migration(engine: Engine, action: str, rev: str) -> None:
    """Upgrade or downgrade on an existing engine, in one transaction."""
    cfg = alembic_config()
    with translate_errors(engine.url), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            _serialise(conn)
            cfg.attributes["connection"] = conn
            if action == "upgrade":
                command.upgrade(cfg, rev)
            else:
                command.downgrade(cfg, rev)


def _serialise(conn: Connection) -> None:
    """On PostgreSQL, one migration at a time per database: two services starting together on
    a fresh database would otherwise both create the tables and one would fail half-way. The
    lock ends with the transaction; the second then finds the schema at head. (SQLite's
    BEGIN IMMEDIATE already serialises writers.)"""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None for an empty database."""
    with translate_errors(engine.url), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_at_head(engine: Engine) -> None:
    """Refuse to work on a database whose schema is older or newer than this code."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise StoreUnavailableError(
            f"database at {safe_url(engine.url)} is at schema revision {current or 'none'}, "
            f"this code needs {head}: run `outcome-matcher db upgrade`",
            current=current,
            head=head,
        )


def upgrade(url: str, rev: str = "head") -> None:
    """Bring the database at `url` up to `rev` (default: the newest schema)."""
    engine = make_engine(url)
    try:
        run_migration(engine, "upgrade", rev)
    finally:
        engine.dispose()


def downgrade(url: str, rev: str = "base") -> None:
    """Take the database at `url` down to `rev` (default: empty)."""
    engine = make_engine(url)
    try:
        run_migration(engine, "downgrade", rev)
    finally:
        engine.dispose()
