"""Backups of the whole store: SQLite's online backup API, pg_dump / pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing, suppress
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL

from outcome_matcher.errors import ConflictError, InputError, NotFoundError, OutcomeMatcherError
from outcome_matcher.store.engine import make_engine, parse_url, safe_url, translate_errors


class BackupError(OutcomeMatcherError):
    """pg_dump or pg_restore failed (their message is in the error)."""

    status = 500
    code = "backup_failed"


def _sqlite_file(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise InputError(
            "an in-memory SQLite database has nothing to back up", field="database_url"
        )
    return Path(database).expanduser()


def _libpq(url: URL) -> str:
    """The SQLAlchemy URL as a libpq connection URI (pg_dump does not know `+psycopg`)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [x for x in done.stderr.strip().splitlines() if x.strip()]
        raise BackupError(f"{what} failed: {lines[-1] if lines else done.returncode}")


def backup(url: str, path: Path) -> Path:
    """Write a consistent copy of the database at `url` to `path` (replaced atomically).

    SQLite: a database file made with the online backup API (readers and writers may go on).
    PostgreSQL: a `pg_dump -Fc` archive, one snapshot of the database named in the URL.
    """
    parsed = parse_url(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        if parsed.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_file(parsed), tmp)
        else:
            _run([_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(tmp), _libpq(parsed)], "pg_dump")
        os.replace(tmp, path)
    finally:
        with suppress(OSError):
            tmp.unlink()
    return path


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise NotFoundError(f"no database file at {source}", path=str(source))
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _has_tables(url: str) -> bool:
    engine = make_engine(url)
    try:
        with translate_errors(engine.url), engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def restore(url: str, path: Path, *, force: bool = False) -> None:
    """Replace the database at `url` with the backup at `path`.

    A database that already holds tables is refused unless `force`: restoring replaces
    every decision in it. Run `db upgrade` afterwards if the backup is of an older schema.
    """
    if not path.is_file():
        raise NotFoundError(f"no backup at {path}", path=str(path))
    parsed = parse_url(url)
    if _has_tables(url) and not force:
        raise ConflictError(
            f"the database at {safe_url(parsed)} is not empty; restoring replaces everything "
            "in it: use --force to go ahead",
            url=safe_url(parsed),
        )
    if parsed.get_backend_name() == "sqlite":
        with (
            closing(sqlite3.connect(path)) as src,
            closing(sqlite3.connect(_sqlite_file(parsed))) as dst,
        ):
            src.backup(dst)
        return
    args = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*args, "-d", _libpq(parsed), str(path)], "pg_restore")
