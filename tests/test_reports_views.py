"""Sector view, version diff, the report API endpoint and the `report` CLI on the tiny store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import ApiEnv
from outcome_matcher import services
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.errors import InputError
from outcome_matcher.reports import (
    DiffReport,
    ProgrammeRef,
    SectorReport,
    build_diff,
    build_sector,
    programme_refs,
    render,
)
from outcome_matcher.retrieval.matcher import Matcher
from reports_support import NOW, STANDARD, Page, decide

# The next version of the sample catalogue: QA is gone, a welding module is new.
V2_YAML = """name: sample-v2
institution: Test University
programmes:
  - code: BSC-SD
    title: BSc Software Development (2026)
    lang: en
    modules:
      - code: DB
        title: Databases
        outcomes:
          - design database scheme for an application
      - code: WELD
        title: Welding
        outcomes:
          - perform fillet welds in all positions
"""
OLD = ProgrammeRef(catalogue="sample", programme="BSC-SD")
NEW = ProgrammeRef(catalogue="sample-v2", programme="BSC-SD")


@pytest.fixture()
def two_versions(api_env: ApiEnv, tmp_path: Path) -> ApiEnv:
    """v1: SD-02 confirmed by QA, SD-04 rejected. v2: SD-02 rejected, SD-04 confirmed."""
    (tmp_path / "v2.yaml").write_text(V2_YAML, encoding="utf-8")
    services.add_catalogue(api_env.store, tmp_path / "v2.yaml", name=None, max_chars=2000)
    store = api_env.store
    decide(store, "QA", "SD-02", "accepted", catalogue="sample")
    decide(store, "DB", "SD-02", "rejected", catalogue="sample")
    for module in ("DB", "QA"):
        decide(store, module, "SD-04", "rejected", catalogue="sample")
    decide(store, "DB", "SD-02", "rejected", catalogue="sample-v2")
    decide(store, "WELD", "SD-04", "accepted", catalogue="sample-v2")
    decide(store, "WELD", "SD-02", "rejected", catalogue="sample-v2")
    return api_env


def _matcher(env: ApiEnv) -> Matcher:
    matcher: Matcher = env.client.app.state.matcher  # type: ignore[attr-defined]
    return matcher


def _sector(env: ApiEnv) -> SectorReport:
    refs = programme_refs(env.store, ["sample::BSC-SD"], ["sample-v2"])
    assert refs == [OLD, NEW]
    return build_sector(
        env.store, _matcher(env), framework="demo", standard=STANDARD, programmes=refs, now=NOW
    )


def test_sector_has_one_row_per_programme(two_versions: ApiEnv) -> None:
    sector = _sector(two_versions)
    assert [(r.catalogue, r.programme) for r in sector.rows] == [
        ("sample", "BSC-SD"),
        ("sample-v2", "BSC-SD"),
    ]
    old, new = sector.rows
    assert old.essential_gaps == ("perform fillet welds",)
    assert new.essential_gaps == ("execute software tests",)
    welds = next(q for q in sector.requirements if q.competency_id == "SD-04")
    assert welds.statuses == ("gap", "confirmed")


def test_sector_renders_in_every_format(two_versions: ApiEnv) -> None:
    sector = _sector(two_versions)
    page = Page(render(sector, "html").decode("utf-8"))
    rows = page.by_class("programme-row")
    assert len(rows) == 2 and "perform fillet welds" in rows[0].text
    wb = load_workbook(io.BytesIO(render(sector, "xlsx")))
    assert wb.sheetnames == ["Programmes", "Requirements", "Provenance"]
    programmes = list(wb["Programmes"].iter_rows(min_row=2, values_only=True))
    assert [r[:2] for r in programmes] == [("sample", "BSC-SD"), ("sample-v2", "BSC-SD")]
    assert wb["Programmes"].freeze_panes == "C2"
    table = list(csv.DictReader(io.StringIO(render(sector, "csv").decode("utf-8-sig"))))
    assert [r["essential_gaps"] for r in table] == ["1", "1"]
    assert json.loads(render(sector, "json"))["kind"] == "sector"


def test_diff_finds_coverage_gained_and_lost(two_versions: ApiEnv) -> None:
    diff = build_diff(
        two_versions.store, _matcher(two_versions), framework="demo", standard=STANDARD, old=OLD,
        new=NEW, now=NOW,
    )  # fmt: skip
    assert [r.competency_id for r in diff.changed("gained")] == ["SD-04"]
    assert [r.competency_id for r in diff.changed("lost")] == ["SD-02"]
    lost = diff.changed("lost")[0]
    assert (lost.old_status, lost.new_status, lost.old_modules) == ("confirmed", "gap", ("QA",))
    _check_diff_outputs(diff)


def _check_diff_outputs(diff: DiffReport) -> None:
    page = Page(render(diff, "html").decode("utf-8"))
    changes = {e.attrs["data-id"]: e.attrs["data-change"] for e in page.by_class("diff-row")}
    assert changes["SD-04"] == "gained" and changes["SD-02"] == "lost"
    wb = load_workbook(io.BytesIO(render(diff, "xlsx")))
    rows = {r[1]: r[6] for r in wb["Diff"].iter_rows(min_row=2, values_only=True)}
    assert rows["SD-04"] == "gained" and rows["SD-02"] == "lost"
    table = list(csv.DictReader(io.StringIO(render(diff, "csv").decode("utf-8-sig"))))
    assert {r["competency_id"]: r["change"] for r in table}["SD-02"] == "lost"
    assert json.loads(render(diff, "json"))["old"]["catalogue"] == "sample"


def test_programme_refs_parse_and_refuse_nothing(api_env: ApiEnv) -> None:
    assert ProgrammeRef.parse("A b::C") == ProgrammeRef(catalogue="A b", programme="C")
    assert ProgrammeRef.parse("C") == ProgrammeRef(catalogue=None, programme="C")
    with pytest.raises(InputError):
        programme_refs(api_env.store)


def test_api_returns_the_report_file(api_env: ApiEnv) -> None:
    params = {"framework": "demo", "standard": STANDARD}
    url = "/programmes/BSC-SD/report"
    assert api_env.client.get(url, params=params).status_code == 401
    auth = api_env.auth("auditor")
    html = api_env.client.get(url, params=params, headers=auth)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert len(Page(html.text).by_class("requirement-row")) == 4
    xlsx = api_env.client.get(url, params={**params, "format": "xlsx"}, headers=auth)
    assert xlsx.headers["content-disposition"] == 'attachment; filename="BSC-SD-report.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.content))["Summary"]["B4"].value == 3
    missing = api_env.client.get(url, params={**params, "standard": "nope"}, headers=auth)
    assert missing.status_code == 404
    bad = api_env.client.get(url, params={**params, "format": "pdf"}, headers=auth)
    assert bad.status_code == 422


def test_api_returns_pictures(api_env: ApiEnv) -> None:
    url = "/programmes/BSC-SD/report/pictures/heatmap"
    params = {"framework": "demo", "standard": STANDARD, "format": "png"}
    png = api_env.client.get(url, params=params, headers=api_env.auth("reviewer"))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = api_env.client.get(
        url.replace("heatmap", "units"), params={**params, "format": "svg"},
        headers=api_env.auth("designer"),
    )  # fmt: skip
    assert svg.headers["content-type"].startswith("image/svg+xml")


@pytest.fixture()
def cli_env(
    two_versions: ApiEnv, tiny_encoder: SentenceTransformerEncoder, monkeypatch: pytest.MonkeyPatch
) -> ApiEnv:
    """The CLI over the tiny store: same data directory, tiny encoder instead of e5."""
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(two_versions.settings.data_dir))
    monkeypatch.setattr("outcome_matcher.cli.report.load_encoder", lambda settings: tiny_encoder)
    return two_versions


def _run(*args: str) -> str:
    from outcome_matcher.cli import app

    result = CliRunner().invoke(app, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_writes_report_and_heatmap(cli_env: ApiEnv, tmp_path: Path) -> None:
    out, picture = tmp_path / "r.xlsx", tmp_path / "h.svg"
    common = ["--standard", STANDARD, "--framework", "demo"]
    text = _run("--programme", "BSC-SD", "--catalogue", "sample", *common, "-o", str(out),
                "--heatmap", str(picture))  # fmt: skip
    assert f"wrote {out}" in text
    assert load_workbook(out)["Gaps"]["C2"].value == "perform fillet welds"
    assert picture.read_bytes().lstrip().startswith(b"<?xml")
    _run("sector", *common, "--catalogue", "sample", "--catalogue", "sample-v2",
         "-o", str(tmp_path / "s.csv"))  # fmt: skip
    assert len((tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()) == 3
    _run("diff", *common, "--programme", "BSC-SD", "--old-catalogue", "sample",
         "--new-catalogue", "sample-v2", "-f", "json", "-o", str(tmp_path / "d.out"))  # fmt: skip
    assert json.loads((tmp_path / "d.out").read_text())["kind"] == "diff"


def test_cli_names_what_is_missing(cli_env: ApiEnv, tmp_path: Path) -> None:
    from outcome_matcher.cli import app

    result = CliRunner().invoke(app, ["report", "--programme", "BSC-SD", "-o", "x.html"])
    assert result.exit_code == 2 and "--standard" in result.output
    unknown = CliRunner().invoke(
        app, ["report", "--programme", "BSC-SD", "--standard", STANDARD, "--framework", "demo",
              "--catalogue", "sample", "-o", str(tmp_path / "r.txt")],
    )  # fmt: skip
    assert unknown.exit_code == 2
