"""`db backup` and `db restore`: a round trip keeps every decision, flag and audit row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from outcome_matcher.cli import app
from outcome_matcher.errors import ConflictError
from outcome_matcher.store import DecisionCreate, Store
from outcome_matcher.store.backup import backup, restore
from test_store_faults_pg import fresh_database
from test_store_support import catalogue, framework

TABLES = ("decisions", "decision_flags", "audit_log", "users", "alembic_version")


@contextmanager
def two_databases(backend: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
        return
    with fresh_database() as a, fresh_database() as b:
        yield a, b


def _fill(url: str) -> None:
    with Store.open(url, migrate=True) as store:
        store.add_framework(framework())
        store.add_catalogue(catalogue())
        rita = store.add_user("rita", "reviewer")[0]
        for i in range(4):
            for version in range(3):
                d = DecisionCreate(
                    programme="P1",
                    module="M1",
                    framework="demo",
                    competency_id=f"http://example.org/skill/{i}",
                    verdict="rejected" if version % 2 else "accepted",
                    relation=None if version % 2 else "close",
                    reason=f"round {version}",
                    expected_version=version,
                )
                store.decide(d, rita)
        store.add_framework(framework(version="2", **{"1": "renamed"}), replace=True)  # a flag


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    with Store.open(url, migrate=True) as store, store.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
            for t in TABLES
        }


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_backup_and_restore_round_trip(backend: str, tmp_path: Path) -> None:
    with two_databases(backend, tmp_path) as (source, target):
        _fill(source)
        original = _rows(source)
        assert len(original["decisions"]) == 12 and original["decision_flags"]
        archive = backup(source, tmp_path / "store.backup")
        restore(target, archive)
        assert _rows(target) == original
        # The restored store is append-only too, and works.
        with Store.open(target, migrate=True) as store:
            assert len(store.decision_history()) == 12
            with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
                conn.execute(text("DELETE FROM decisions"))
        # Not over a database with data, unless forced.
        with pytest.raises(ConflictError, match="not empty"):
            restore(target, archive)
        restore(target, archive, force=True)
        assert _rows(target) == original


def test_cli_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
    _fill(source)
    runner = CliRunner()
    monkeypatch.setenv("OUTCOME_MATCHER_DATABASE_URL", source)
    done = runner.invoke(app, ["db", "backup", str(tmp_path / "x.backup")])
    assert done.exit_code == 0, done.output
    monkeypatch.setenv("OUTCOME_MATCHER_DATABASE_URL", target)
    assert runner.invoke(app, ["db", "restore", str(tmp_path / "x.backup")]).exit_code == 0
    again = runner.invoke(app, ["db", "restore", str(tmp_path / "x.backup")])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(app, ["db", "restore", "--force", str(tmp_path / "x.backup")])
    assert forced.exit_code == 0, forced.output
    assert _rows(target) == _rows(source)
