"""The command line on a tiny model: imports, suggest contract, clear errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV
from outcome_matcher.cli import app


@pytest.fixture()
def env(tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OUTCOME_MATCHER_MODEL_PATH", str(tiny_model_dir))
    (tmp_path / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp_path / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    assert run("db", "upgrade")[0] == 0  # as `setup` or `make demo` would have done
    return tmp_path


def test_commands_refuse_a_database_that_was_never_upgraded(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(tmp_path / "data"))
    code, _, err = run("users", "list")
    message = " ".join(err.split())  # the console wraps long lines
    assert code == 1
    assert "schema revision none" in message and "outcome-matcher db upgrade" in message


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_frameworks_add_list_remove(env: Path) -> None:
    code, out, err = run("frameworks", "add", "sd", str(env / "fw.csv"), "--format", "csv")
    assert code == 0, err
    assert "4 competencies" in out
    code, out, _ = run("frameworks", "list")
    assert code == 0 and "sd" in out
    code, _, err = run("frameworks", "add", "sd", str(env / "fw.csv"), "--format", "csv")
    assert code == 2 and "--replace" in err
    assert run("frameworks", "remove", "sd")[0] == 0
    assert not (env / "data" / "indexes" / "sd").exists()
    code, _, err = run("frameworks", "remove", "sd")
    assert code == 2 and "sd" in err


def test_index_fields_are_chosen_at_import_and_kept_by_reindex(env: Path) -> None:
    code, _, err = run(
        "frameworks", "add", "sd", str(env / "fw.csv"), "-f", "csv", "--fields", "alt_label"
    )
    assert code == 2 and "fields" in err and "label" in err
    fields = "label,description"
    code, _, err = run(
        "frameworks", "add", "sd", str(env / "fw.csv"), "-f", "csv", "--fields", fields
    )
    assert code == 0, err
    meta = env / "data" / "indexes" / "sd" / "meta.json"
    assert json.loads(meta.read_text())["fields"] == ["label", "description"]
    assert run("frameworks", "reindex", "sd")[0] == 0
    assert json.loads(meta.read_text())["fields"] == ["label", "description"]


def test_suggest_contract_json_lines_and_plain_lines(env: Path) -> None:
    run("frameworks", "add", "sd", str(env / "fw.csv"), "--format", "csv")
    lines = '{"id": "x1", "text": "database design"}\nsoftware testing\n'
    code, out, err = run("suggest", "--framework", "sd", "--top-k", "2", input=lines)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["x1", "2"]
    for record in records:
        assert len(record["suggestions"]) == 2
        first = record["suggestions"][0]
        assert {"competency_id", "label", "score"} <= first.keys()
        assert first["score"] >= record["suggestions"][1]["score"]
    output = env / "out.jsonl"
    (env / "in.jsonl").write_text(lines, encoding="utf-8")
    code, _, _ = run(
        "suggest", "--framework", "sd", "-k", "2", "-i", str(env / "in.jsonl"), "-o", str(output)
    )
    assert code == 0
    assert output.read_text(encoding="utf-8") == out


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"id": 1, "text": ""}\n', "row 1, field 'text'"),
        ("{not json\n", "row 1"),
        ('{"id": [1], "text": "ok"}\n', "field 'id'"),
    ],
)
def test_suggest_bad_input_names_row_and_field(env: Path, stdin: str, message: str) -> None:
    run("frameworks", "add", "sd", str(env / "fw.csv"), "--format", "csv")
    code, _, err = run("suggest", "--framework", "sd", input=stdin)
    assert code == 2
    assert message in err


def test_suggest_rejects_invalid_utf8_and_missing_files(env: Path) -> None:
    run("frameworks", "add", "sd", str(env / "fw.csv"), "--format", "csv")
    (env / "bad.txt").write_bytes(b"caf\xe9\n")
    code, _, err = run("suggest", "--framework", "sd", "-i", str(env / "bad.txt"))
    assert code == 2 and "UTF-8" in err
    code, _, err = run("suggest", "--framework", "sd", "-i", str(env / "missing.txt"))
    assert code == 2 and "missing.txt" in err
    code, _, err = run("suggest", "--framework", "nope", input="x\n")
    assert code == 2 and "nope" in err


def test_catalogues_add_is_idempotent(env: Path) -> None:
    code, out, err = run("catalogues", "add", str(env / "cat.yaml"))
    assert code == 0, err
    assert "outcomes +4" in out
    code, out, _ = run("catalogues", "add", str(env / "cat.yaml"))
    assert "outcomes +0 ~0 =4 -0" in out
    code, out, _ = run("catalogues", "list")
    assert "BSC-SD" in out


def test_bad_framework_file_imports_nothing(env: Path) -> None:
    (env / "bad.csv").write_text("id,lable\nA,x\n", encoding="utf-8")
    code, _, err = run("frameworks", "add", "bad", str(env / "bad.csv"), "--format", "csv")
    assert code == 2
    assert "bad.csv" in err and "label" in err
    _, out, _ = run("frameworks", "list")
    assert "bad" not in out


def test_users_add_prints_token_once(env: Path) -> None:
    code, out, _ = run("users", "add", "rita", "--role", "reviewer")
    assert code == 0
    token = out.strip().splitlines()[-1]
    assert len(token) >= 32
    code, _, err = run("users", "add", "rita", "--role", "reviewer")
    assert code == 2 and "rita" in err


def test_suggest_abstains_below_the_threshold_and_ranks_within_a_standard(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("frameworks", "add", "sd", str(env / "fw.csv"), "--format", "csv")
    line = '{"id": "x1", "text": "database design"}\n'
    # Uncalibrated, the operating point is the fallback threshold on the score.
    monkeypatch.setenv("OUTCOME_MATCHER_FALLBACK_THRESHOLD", "1.01")
    code, out, err = run("suggest", "--framework", "sd", "--abstain", input=line)
    assert code == 0, err
    assert json.loads(out)["suggestions"] == []
    monkeypatch.setenv("OUTCOME_MATCHER_FALLBACK_THRESHOLD", "-1")
    code, out, _ = run("suggest", "--framework", "sd", "--abstain", "-k", "3", input=line)
    assert len(json.loads(out)["suggestions"]) == 3
    code, _, err = run("suggest", "--framework", "sd", "--standard", "nope", input=line)
    assert code == 2 and "nope" in err


def test_adapt_train_needs_an_output_folder() -> None:
    """A trial run must name its folder: the default used to be the shipped adapter."""
    result = CliRunner().invoke(app, ["adapt", "train", "--recipe", "synthetic"])
    assert result.exit_code == 2
    assert "--output" in result.output
