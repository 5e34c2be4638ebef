"""Engine construction (SQLite pragmas, PostgreSQL pre-ping) and driver-error translation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import StaticPool

from outcome_matcher.errors import InputError, StoreUnavailableError

# Execution option that marks a write transaction; SQLite then takes its write lock up front.
WRITE_OPTION = "outcome_matcher_write"


def parse_url(url: str) -> URL:
    """Parse a SQLAlchemy URL, naming the problem when it is not one."""
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise InputError(f"not a database URL: {exc}", field="database_url") from exc


def safe_url(url: str | URL) -> str:
    """The URL with any password masked, fit for messages and logs."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for `url`: SQLite with foreign keys, WAL and real BEGINs, or a server database."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        # One shared connection, or every pooled connection would see its own empty database.
        engine = create_engine(
            parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself: the driver's legacy mode skips it before SELECT and DDL,
    # which would break transactional imports and migrations.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once under WAL when another
    # writer committed in between; IMMEDIATE waits for the lock (busy timeout) instead.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def unavailable(url: str | URL, exc: Exception) -> StoreUnavailableError:
    """The error raised when the database cannot be reached or used."""
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    where = safe_url(url)
    return StoreUnavailableError(f"database unavailable at {where}: {detail}", url=where)


@contextmanager
def translate_errors(url: str | URL) -> Iterator[None]:
    """Turn connection-level driver errors into StoreUnavailableError."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise unavailable(url, exc) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise unavailable(url, exc) from exc
        raise
