"""`outcome-matcher microquals`: list --json, export (ELM passes SHACL), publish refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microquals_support import complete
from outcome_matcher.cli import app
from outcome_matcher.config import Settings
from outcome_matcher.microquals.validate import validate_elm
from outcome_matcher.store import Store, UserInfo


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    with Store.open(settings.db_url, migrate=True) as store:
        store.add_user("dana", "designer")
        store.add_user("rita", "reviewer")
        dana = UserInfo(name="dana", role="designer")
        store.create_micro_qualification(complete(id="mq-1"), caller=dana)
        store.create_micro_qualification(complete(id="mq-2", title="", workload=None), caller=dana)
    return settings


def test_list_json_and_export(data: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["microquals", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["title"]) for r in rows] == [
        ("mq-1", "Automated software testing"), ("mq-2", ""),
    ]  # fmt: skip
    assert rows[1]["missing"] == ["title", "workload"]
    out = tmp_path / "mq.jsonld"
    done = runner.invoke(app, ["microquals", "export", "mq-1", "--format", "elm", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert validate_elm(json.loads(out.read_text(encoding="utf-8"))) == []


def test_publish_is_refused_with_the_missing_elements(data: Settings) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["microquals", "publish", "mq-2", "--as", "dana"])
    assert refused.exit_code == 2 and "title, workload" in refused.stderr
    signed = runner.invoke(app, ["microquals", "sign-off", "mq-1", "--reviewer", "rita"])
    assert signed.exit_code == 0 and "approved by rita" in signed.stdout
    published = runner.invoke(app, ["microquals", "publish", "mq-1", "--as", "dana"])
    assert published.exit_code == 0 and "published as version 2" in published.stdout
