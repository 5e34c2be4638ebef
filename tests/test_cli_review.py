"""CLI: database migrations, users list, and mapping-table export and import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from api_support import decision
from conftest import ApiEnv
from outcome_matcher.cli import app
from outcome_matcher.store.engine import make_engine
from outcome_matcher.store.migrate import current_revision, head_revision
from test_store_support import BACKENDS, backend_url

runner = CliRunner()


def _use(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    monkeypatch.setenv("OUTCOME_MATCHER_DATABASE_URL", url)
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(data_dir))


def _state(url: str) -> tuple[str | None, set[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        return current_revision(engine), tables
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_db_upgrade_and_downgrade(
    backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with backend_url(backend, tmp_path) as url:
        _use(monkeypatch, url, tmp_path)
        _upgrade_and_downgrade(url)


def _upgrade_and_downgrade(url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    rev, tables = _state(url)
    assert rev == head_revision() and {"decisions", "standard_settings"} <= tables
    assert runner.invoke(app, ["db", "downgrade", "0001"]).exit_code == 0
    rev, tables = _state(url)
    assert rev == "0001" and "standard_settings" not in tables
    assert runner.invoke(app, ["db", "downgrade", "base"]).exit_code == 0
    assert _state(url) == (None, {"alembic_version"})
    assert runner.invoke(app, ["db", "upgrade", "head"]).exit_code == 0
    assert _state(url)[0] == head_revision()
    bad = runner.invoke(app, ["db", "upgrade"], env={"OUTCOME_MATCHER_DATABASE_URL": "nonsense"})
    assert bad.exit_code == 2 and "not a database URL" in bad.output


def test_users_list_and_mapping_round_trip(
    api_env: ApiEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _use(monkeypatch, api_env.settings.db_url, api_env.settings.data_dir)
    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0 and "reviewer-user" in listed.output
    made = api_env.client.post("/decisions", json=decision(), headers=api_env.auth("reviewer"))
    assert made.status_code == 201
    out = tmp_path / "mapping.csv"
    exported = runner.invoke(
        app,
        ["decisions", "export", "--programme", "BSC-SD", "--framework", "demo", "-o", str(out)],
    )
    assert exported.exit_code == 0, exported.output
    assert "BSC-SD/DB" in out.read_text(encoding="utf-8")
    changed = out.read_text(encoding="utf-8").replace("skos:exactMatch", "skos:closeMatch")
    out.write_text(changed, encoding="utf-8")
    args = ["decisions", "import", str(out), "--framework", "demo", "--reviewer", "designer-user"]
    imported = runner.invoke(app, args)
    assert imported.exit_code == 0, imported.output
    assert "1 decision imported" in imported.output
    [current] = api_env.store.current_decisions("BSC-SD", "demo")
    assert (current.relation, current.reviewer, current.version) == ("close", "designer-user", 2)
    out.write_text(changed.replace("skos:closeMatch", "skos:oddMatch"), encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 2 and "row 2" in bad.output
    nobody = runner.invoke(app, [*args[:-1], "ghost"])
    assert nobody.exit_code == 2 and "unknown user" in nobody.output
