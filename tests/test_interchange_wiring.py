"""CASE and SKOS through the CLI and the API: valid CFPackages, decisions that round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from typer.testing import CliRunner

from api_support import api_env_at, decision, force_confidence
from conftest import ApiEnv
from outcome_matcher.cli import app
from outcome_matcher.encoders import Encoder
from outcome_matcher.frameworks import load_framework
from outcome_matcher.review.skos_read import sniff_decisions_file

SCHEMA = Path(__file__).parent / "fixtures" / "case" / "case-v1p1-cfpackage.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _valid(validator: Draft201909Validator, package: object) -> None:
    assert [e.message for e in validator.iter_errors(package)] == []


def _use(monkeypatch: pytest.MonkeyPatch, env: ApiEnv) -> None:
    monkeypatch.setenv("OUTCOME_MATCHER_DATABASE_URL", env.settings.db_url)
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(env.settings.data_dir))


def _decide(env: ApiEnv) -> None:
    force_confidence(env, high=True)
    headers = env.auth("designer")
    [db] = [m for m in env.store.get_programme("BSC-SD").modules if m.code == "DB"]
    for body in (
        decision(relation="broad", evidence_outcome=db.outcomes[0].id),
        decision(verdict="rejected", competency="SD-04", reason="welding, not software"),
        decision(verdict="partial", competency="SD-02", module="QA", reason="only unit tests"),
    ):
        assert env.client.post("/decisions", json=body, headers=headers).status_code == 201


def _content(env: ApiEnv) -> list[tuple[str, str, str, str | None, str, str | None]]:
    return sorted(
        (d.module, d.competency_id, d.verdict, d.relation, d.reason, d.evidence_outcome)
        for d in env.store.current_decisions("BSC-SD", "demo")
    )


def test_cli_exports_a_valid_cfpackage_that_imports_as_the_same_framework(
    api_env: ApiEnv,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    validator: Draft201909Validator,
) -> None:
    _use(monkeypatch, api_env)
    out = tmp_path / "demo-case.json"
    done = runner.invoke(app, ["frameworks", "export", "demo", "--format", "case", "-o", str(out)])
    assert done.exit_code == 0, done.output
    _valid(validator, json.loads(out.read_text(encoding="utf-8")))
    back = load_framework(out, "case", name="demo2")
    stored = api_env.store.load_framework("demo")
    assert sorted((c.id, c.label, c.type) for c in back.competencies) == sorted(
        (c.id, c.label, c.type) for c in stored.competencies
    )
    [standard] = stored.standards
    only = tmp_path / "standard.json"
    args = ["frameworks", "export", "demo", "--standard", standard.id, "-o", str(only)]
    assert runner.invoke(app, args).exit_code == 0
    package = json.loads(only.read_text(encoding="utf-8"))
    _valid(validator, package)
    [imported_standard] = load_framework(only, "case", name="sd").standards
    assert sorted(r.competency_id for r in imported_standard.requirements) == sorted(
        r.competency_id for r in standard.requirements
    )
    missing = runner.invoke(app, ["frameworks", "export", "demo", "--standard", "nope"])
    assert missing.exit_code == 2 and "no standard" in missing.output


def test_api_exports_case(api_env: ApiEnv, validator: Draft201909Validator) -> None:
    response = api_env.client.get(
        "/frameworks/demo/export", params={"format": "case"}, headers=api_env.auth("auditor")
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    _valid(validator, response.json())
    assert len(response.json()["CFItems"]) == 4
    assert api_env.client.get("/frameworks/demo/export").status_code == 401
    wrong = api_env.client.get(
        "/frameworks/demo/export", params={"format": "xml"}, headers=api_env.auth("auditor")
    )
    assert wrong.status_code == 422


@pytest.mark.parametrize("format", ["skos-ttl", "skos-jsonld", "csv"])
def test_decisions_round_trip_through_the_api(
    api_env: ApiEnv, tiny_encoder: Encoder, tmp_path: Path, format: str
) -> None:
    _decide(api_env)
    response = api_env.client.get(
        "/decisions/export",
        params={"programme": "BSC-SD", "framework": "demo", "format": format},
        headers=api_env.auth("auditor"),
    )
    assert response.status_code == 200
    assert sniff_decisions_file(response.text) == format
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    with api_env_at(tiny_encoder, fresh_dir, f"sqlite:///{fresh_dir / 'db.sqlite3'}") as fresh:
        files = {"file": ("decisions", response.text.encode("utf-8"), "text/plain")}
        # The file's content says what it is; only a CSV table needs the framework.
        params = {"framework": "demo"} if format == "csv" else {}
        imported = fresh.client.post(
            "/decisions/import", params=params, files=files, headers=fresh.auth("reviewer")
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["imported"] == 3
        assert _content(fresh) == _content(api_env)
        assert any(row[5] for row in _content(fresh))  # the evidence outcome came along
        # The same file again: every decision already in force, evidence outcome included.
        again = fresh.client.post(
            "/decisions/import", params=params, files=files, headers=fresh.auth("reviewer")
        )
        assert (again.json()["imported"], again.json()["unchanged"]) == (0, 3)


def test_csv_import_without_framework_is_refused(api_env: ApiEnv) -> None:
    files = {"file": ("m.csv", b"Classification 1 URI,Classification 2 ID,Mapping relation\n")}
    response = api_env.client.post(
        "/decisions/import", files=files, headers=api_env.auth("reviewer")
    )
    assert response.status_code == 422 and "framework" in response.text


def test_decisions_round_trip_through_the_cli(
    api_env: ApiEnv, monkeypatch: pytest.MonkeyPatch, tiny_encoder: Encoder, tmp_path: Path
) -> None:
    _decide(api_env)
    _use(monkeypatch, api_env)
    out = tmp_path / "decisions.ttl"
    args = ["decisions", "export", "--programme", "BSC-SD", "--framework", "demo"]
    done = runner.invoke(app, [*args, "--format", "skos-ttl", "-o", str(out)])
    assert done.exit_code == 0, done.output
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    with api_env_at(tiny_encoder, fresh_dir, f"sqlite:///{fresh_dir / 'db.sqlite3'}") as fresh:
        _use(monkeypatch, fresh)
        imported = runner.invoke(
            app, ["decisions", "import", str(out), "--reviewer", "reviewer-user"]
        )
        assert imported.exit_code == 0, imported.output
        assert "3 decisions imported" in imported.output
        assert _content(fresh) == _content(api_env)
