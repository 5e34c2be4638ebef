"""Shared core of the repositories: engine, sessions, one-transaction scopes, audit rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import JSON, Engine, Table, insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from outcome_matcher.errors import ConflictError
from outcome_matcher.store.engine import WRITE_OPTION, translate_errors
from outcome_matcher.store.tables import AuditRow, utcnow

T = TypeVar("T")

# Keeps IN (...) lists well under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 5000


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StoreBase:
    """Engine and session factories; the repository mixins build on `_read` and `_write`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine, expire_on_commit=False, execution_options={WRITE_OPTION: True}
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with translate_errors(self.engine.url), self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all."""
        try:
            with (
                translate_errors(self.engine.url),
                self._write_sessions() as session,
                session.begin(),
            ):
                yield session
        except IntegrityError as exc:
            # A constraint the code did not check first, usually a concurrent writer.
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConflictError(f"the write conflicts with stored data: {detail}") from exc


def audit(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    key: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit row in the caller's transaction."""
    session.add(
        AuditRow(
            at=utcnow(),
            actor=actor,
            action=action,
            entity=entity,
            entity_key=key,
            detail=detail or {},
        )
    )


def missing_message(kind: str, names: Iterable[str], limit: int = 20) -> str:
    """'unknown outcome(s): a, b, c (and 3 more)'."""
    names = list(names)
    shown = ", ".join(names[:limit])
    more = f" (and {len(names) - limit} more)" if len(names) > limit else ""
    return f"unknown {kind}(s): {shown}{more}"


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows in the caller's transaction: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_rows(conn.connection.driver_connection, table, rows)
        return
    for part in chunks(rows, 20_000):
        session.execute(insert(table), part)


def _copy_rows(driver_conn: Any, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    # psycopg's executemany sends one statement per row (about 10 s for ESCO); COPY is ~10x faster.
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table.name}" ({names}) FROM STDIN'
    import psycopg  # only reached on PostgreSQL

    try:
        with driver_conn.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in as_json else row[c] for c in columns])
    except psycopg.Error as exc:
        # Same exception classes as the SQLAlchemy paths (IntegrityError, OperationalError, ...).
        raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc
