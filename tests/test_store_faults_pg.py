"""PostgreSQL faults: two services migrating one fresh database at once, and the database going
away under a running app (503 store_unavailable, then recovery without a restart)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api_support import api_env_at
from conftest import ApiEnv
from outcome_matcher.encoders import Encoder
from outcome_matcher.store.engine import make_engine
from outcome_matcher.store.migrate import current_revision, head_revision
from test_store_support import PG_URL, pg_problem

pytestmark = pytest.mark.postgres
SRC = Path(__file__).resolve().parents[1] / "src"


@contextmanager
def fresh_database() -> Iterator[str]:
    """A database of its own (dropped afterwards), so the test can lock everyone else out."""
    if problem := pg_problem():
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({problem})")
    name = f"test_om_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_UPGRADE = """
import sys, time
from outcome_matcher.store import upgrade
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
upgrade(sys.argv[1])
"""


def test_concurrent_first_migrations_are_serialised() -> None:
    with fresh_database() as url:
        start = time.time() + 3.0  # both processes begin their upgrade at the same instant
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _UPGRADE, url, str(start)],
                env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
        for p in procs:
            if p.stdout:
                p.stdout.close()
            if p.stderr:
                p.stderr.close()
        assert [rc for rc, _ in results] == [0, 0], [err[-2000:] for _, err in results]
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()


def _lock_out(database: str, allow: bool) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(
                text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}')
            )
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": database},
            )
    finally:
        admin.dispose()


def _programmes(env: ApiEnv) -> int:
    return env.client.get("/programmes", headers=env.auth("reviewer")).status_code


def test_database_gone_gives_503_and_the_app_recovers(
    tiny_encoder: Encoder, tmp_path: Path
) -> None:
    with fresh_database() as url, api_env_at(tiny_encoder, tmp_path, url) as env:
        database = make_url(url).database
        assert database and _programmes(env) == 200
        _lock_out(database, allow=True)  # every pooled connection killed: pre-ping reconnects
        assert _programmes(env) == 200
        _lock_out(database, allow=False)  # the database is gone
        gone = env.client.get("/programmes", headers=env.auth("reviewer"))
        assert gone.status_code == 503
        body = gone.json()
        assert body["error"] == "store_unavailable"
        assert "Traceback" not in gone.text and "SELECT" not in gone.text
        _lock_out(database, allow=True)  # it comes back: no restart needed
        assert _programmes(env) == 200
