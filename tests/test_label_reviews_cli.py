"""CLI: a council exports the labels as CSV, corrects rows offline and imports them back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ApiEnv
from outcome_matcher.cli import app

runner = CliRunner()
MACHINE = {"ru": "проектировать схему базы данных", "kk": "дерекқор схемасын жобалау"}


@pytest.fixture
def env(api_env: ApiEnv, monkeypatch: pytest.MonkeyPatch) -> ApiEnv:
    fw = api_env.store.load_framework("demo")
    first = fw.competencies[0].model_copy(
        update={"labels_by_lang": {lang: (text,) for lang, text in MACHINE.items()}}
    )
    api_env.store.add_framework(
        fw.model_copy(update={"competencies": (first, *fw.competencies[1:])}), replace=True
    )
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(api_env.settings.data_dir))
    return api_env


def _export(*args: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["labels", "export", "demo", *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_export_edit_import_round_trip(env: ApiEnv, tmp_path: Path) -> None:
    rows = _export()
    assert [(r["lang"], r["status"], r["current_label"]) for r in rows] == [
        ("ru", "machine", MACHINE["ru"]),
        ("kk", "machine", MACHINE["kk"]),
    ]
    rows[0] |= {"new_label": "разрабатывать схему базы данных", "reason": "термин стандарта"}
    rows[1] |= {"new_label": MACHINE["kk"], "reason": "checked: correct"}  # already in force
    args = ["labels", "import", "demo", str(_write(tmp_path / "l.csv", rows))]
    done = runner.invoke(app, [*args, "--reviewer", "reviewer-user"])
    assert done.exit_code == 0, done.output
    assert "1 reviewed label imported, 1 already in force" in done.output
    [ru] = _export("--lang", "ru")
    assert (ru["status"], ru["version"], ru["machine_label"]) == ("reviewed", "1", MACHINE["ru"])
    # The same file again is stale: its ru row was exported at version 0.
    again = runner.invoke(app, [*args, "--reviewer", "reviewer-user"])
    assert again.exit_code == 2 and "at version 1, not 0" in again.output
    assert len(env.store.label_history("demo")) == 1


def test_bad_rows_are_all_named_and_nothing_is_imported(env: ApiEnv, tmp_path: Path) -> None:
    rows = _export()
    rows[0] |= {"new_label": "разрабатывать схему", "reason": ""}
    rows[1] |= {"new_label": "x", "reason": "ok", "version": "two"}
    args = ["labels", "import", "demo", str(_write(tmp_path / "bad.csv", rows))]
    result = runner.invoke(app, [*args, "--reviewer", "reviewer-user"])
    assert result.exit_code == 2
    assert "row 2, field 'reason'" in result.output and "row 3, field 'version'" in result.output
    assert env.store.label_history("demo") == []
    assert runner.invoke(app, ["labels", "export", "demo", "--lang", "de"]).exit_code == 2
    # An auditor may not import even a good file.
    good = rows[:1]
    good[0] |= {"reason": "fine", "version": "0"}
    refused = runner.invoke(
        app,
        [
            "labels",
            "import",
            "demo",
            str(_write(tmp_path / "g.csv", good)),
            "--reviewer",
            "auditor-user",
        ],
    )
    assert refused.exit_code == 2 and "cannot review labels" in refused.output
