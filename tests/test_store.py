"""Store: migrations, opening errors, framework import / replace / remove round trips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import main as alembic_main
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from outcome_matcher.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    OutcomeMatcherError,
    StoreUnavailableError,
)
from outcome_matcher.store import Store, downgrade, upgrade
from outcome_matcher.store.engine import make_engine
from outcome_matcher.store.framework_rows import requirement_values
from outcome_matcher.store.migrate import MIGRATIONS_DIR, head_revision
from outcome_matcher.store.tables import AuditRow, Base, CompetencyRow, RequirementRow
from test_store_support import BACKENDS, backend_url, framework, open_store


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with backend_url(request.param, tmp_path) as u:
        yield u


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


def _schema_state(url: str) -> tuple[str | None, set[str], list[Any]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata) if ctx.get_current_revision() else []
            return ctx.get_current_revision(), set(inspect(conn).get_table_names()), diff
    finally:
        engine.dispose()


def test_migrations_build_empty_database_and_go_down(url: str) -> None:
    upgrade(url)
    rev, tables, diff = _schema_state(url)
    assert rev == head_revision()
    assert set(Base.metadata.tables) <= tables
    assert diff == [], "migrations and tables.py disagree"
    downgrade(url, "base")
    rev, tables, _ = _schema_state(url)
    assert rev is None and tables <= {"alembic_version"}
    upgrade(url)  # and back up again
    assert _schema_state(url)[0] == head_revision()


def test_alembic_command_line_config(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    ini = str(MIGRATIONS_DIR.parent / "alembic.ini")
    alembic_main(["-c", ini, "-x", f"url={url}", "--raiseerr", "upgrade", "head"])
    assert _schema_state(url)[0] == head_revision()
    alembic_main(["-c", ini, "-x", f"url={url}", "--raiseerr", "downgrade", "base"])
    assert _schema_state(url)[0] is None


def test_open_without_migrate_refuses_an_old_schema(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="schema revision none"):
        Store.open(f"sqlite:///{tmp_path / 'empty.sqlite3'}", migrate=False)
    url = f"sqlite:///{tmp_path / 'ok.sqlite3'}"
    upgrade(url)
    Store.open(url, migrate=False).close()


def test_unreachable_server_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailableError, match="database unavailable at") as err:
        Store.open("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in err.value.message and err.value.status == 503


def test_bad_url_is_input_error() -> None:
    with pytest.raises(InputError, match="not a database URL"):
        Store.open("no such url")


def test_sqlite_pragmas(tmp_path: Path) -> None:
    with (
        Store.open(f"sqlite:///{tmp_path / 'new' / 'dir' / 'p.sqlite3'}", migrate=True) as store,
        store.engine.connect() as c,
    ):
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_framework_round_trip(store: Store) -> None:
    fw = framework()
    info = store.add_framework(fw)
    assert (info.name, info.version, info.n_competencies, info.n_standards) == ("demo", "1", 5, 2)
    assert info.created.tzinfo is not None and info.index_fingerprint is None
    assert store.list_frameworks() == [info]
    assert store.get_framework_info("demo") == info
    assert store.load_framework("demo") == fw
    assert store.get_competencies("demo") == list(fw.competencies)
    ids = [fw.competencies[3].id, fw.competencies[0].id]
    assert [c.id for c in store.get_competencies("demo", ids)] == ids
    with pytest.raises(NotFoundError, match="nope"):
        store.get_competencies("demo", ["nope"])
    store.set_index_fingerprint("demo", "e5-small:abc")
    assert store.get_framework_info("demo").index_fingerprint == "e5-small:abc"


def test_standards(store: Store) -> None:
    store.add_framework(framework())
    infos = store.list_standards("demo")
    assert [(s.key, s.n_essential, s.n_optional) for s in infos] == [("dev", 2, 1), ("ops", 0, 0)]
    assert [s.key for s in store.list_standards("demo", "DEVELOP")] == ["dev"]
    assert store.list_standards("demo", "100%") == []  # LIKE wildcards are literal
    assert store.get_standard("demo", "dev") == framework().standards[0]
    with pytest.raises(NotFoundError):
        store.get_standard("demo", "missing")
    with pytest.raises(NotFoundError):
        store.list_standards("missing")


def test_add_existing_needs_replace(store: Store) -> None:
    store.add_framework(framework())
    with pytest.raises(ConflictError, match="already imported"):
        store.add_framework(framework(version="2"))
    store.set_index_fingerprint("demo", "old-index")
    info = store.add_framework(framework(version="2", n=4), replace=True)
    assert (info.version, info.n_competencies, info.index_fingerprint) == ("2", 4, None)
    assert len(store.list_frameworks()) == 1


def test_remove_framework(store: Store) -> None:
    store.add_framework(framework())
    store.add_framework(framework(name="other"))
    store.remove_framework("demo")
    assert [f.name for f in store.list_frameworks()] == ["other"]
    with store.sessions() as s:  # the cascade removed the children
        assert s.scalar(select(func.count()).select_from(CompetencyRow)) == 5
        assert s.scalar(select(func.count()).select_from(RequirementRow)) == 3
    with pytest.raises(NotFoundError):
        store.remove_framework("demo")
    with pytest.raises(NotFoundError):
        store.get_framework_info("demo")


def test_invalid_framework_names_every_problem(store: Store) -> None:
    fw = framework()
    bad = fw.model_copy(update={"competencies": (*fw.competencies, fw.competencies[0])})
    with pytest.raises(InputError, match="appears 2 times"):
        store.add_framework(bad)
    assert store.list_frameworks() == []


def _audit_count(store: Store) -> int:
    with store.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditRow)) or 0


def test_failed_import_leaves_store_unchanged(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_framework(framework())
    before, audits = store.load_framework("demo"), _audit_count(store)
    real = requirement_values

    def bad_row(standard_id: int, position: int, r: Any) -> dict[str, Any]:
        values = real(standard_id, position, r)
        # NOT NULL violation half-way: competencies and standards are already inserted.
        return {**values, "competency_uri": None} if position == 1 else values

    monkeypatch.setattr("outcome_matcher.store.frameworks.requirement_values", bad_row)
    with pytest.raises(OutcomeMatcherError):
        store.add_framework(framework(version="2", n=4), replace=True)
    with pytest.raises(OutcomeMatcherError):
        store.add_framework(framework(name="fresh"))
    assert store.load_framework("demo") == before
    assert [f.name for f in store.list_frameworks()] == ["demo"]
    assert _audit_count(store) == audits
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CompetencyRow)) == 5
