"""Programme reports over the tiny store: model, HTML, XLSX, CSV, JSON and level checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ApiEnv
from outcome_matcher import services
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.errors import NotFoundError
from outcome_matcher.reports import Report, build_report, render, resolve_standard
from outcome_matcher.reports.levels import expected_bloom, p_lower
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.text import bloom_level
from reports_support import NOW, STANDARD, Page, decide


def _matcher(env: ApiEnv) -> Matcher:
    matcher: Matcher = env.client.app.state.matcher  # type: ignore[attr-defined]
    return matcher


def _decided(env: ApiEnv) -> None:
    """SD-01 and SD-02 confirmed; the welding requirement rejected everywhere, so a gap."""
    decide(env.store, "DB", "SD-01", "accepted")
    decide(env.store, "QA", "SD-02", "accepted")
    decide(env.store, "DB", "SD-04", "rejected")
    decide(env.store, "QA", "SD-04", "rejected", reviewer="designer-user")


@pytest.fixture()
def report(api_env: ApiEnv) -> Report:
    _decided(api_env)
    return build_report(
        api_env.store,
        _matcher(api_env),
        programme="BSC-SD",
        framework="demo",
        standard=STANDARD,
        now=NOW,
    )


def test_summary_counts_confirmed_and_gaps(report: Report) -> None:
    s = report.summary
    assert (s.essential.total, s.essential.confirmed, s.essential.suggested) == (3, 2, 0)
    assert s.essential.covered_share == pytest.approx(2 / 3)
    assert s.optional.total == 1
    assert [g.label for g in report.gaps()] == ["perform fillet welds"]
    assert [r.label for r in report.requirements][:1] == ["design database scheme"]
    assert len(report.matrix) == 4 and all(len(row) == 2 for row in report.matrix)


def test_provenance_names_model_framework_and_reviewers(
    report: Report, tiny_encoder: SentenceTransformerEncoder
) -> None:
    p = report.provenance
    assert p.model_fingerprint == tiny_encoder.fingerprint
    assert (p.framework, p.standard_label, p.generated) == ("demo", STANDARD, NOW)
    counts = {r.reviewer: (r.accepted, r.rejected) for r in p.reviewers}
    assert counts == {"reviewer-user": (2, 1), "designer-user": (0, 1)}
    assert report.summary.sign_off in ("in progress", "complete")


def test_evidence_carries_outcome_decision_and_bloom(report: Report) -> None:
    row = next(r for r in report.requirements if r.competency_id == "SD-01")
    confirmed = row.evidence[0]
    assert (confirmed.module, confirmed.status, confirmed.relation) == ("DB", "confirmed", "exact")
    assert confirmed.reviewer == "reviewer-user"
    assert confirmed.outcome in ("design database scheme for an application", "write SQL queries")
    assert confirmed.bloom_level in (3, 6)
    assert sum(confirmed.bloom_probabilities) == pytest.approx(1.0)


def test_standard_by_key_or_exact_label(api_env: ApiEnv) -> None:
    assert resolve_standard(api_env.store, "demo", STANDARD) == STANDARD
    assert resolve_standard(api_env.store, "demo", "sd software DEVELOPER") == STANDARD
    with pytest.raises(NotFoundError):
        resolve_standard(api_env.store, "demo", "software")


def test_expected_bloom_from_type_and_level() -> None:
    assert expected_bloom("knowledge", None) == 2
    assert expected_bloom("skill", None) == 3
    assert expected_bloom("competence", None) == 5
    assert expected_bloom("skill", "EQF 6") == 4
    assert expected_bloom("knowledge", "8") == 6
    assert expected_bloom(None, "NQF-9") is None
    applied = bloom_level("write SQL queries", "en")
    assert p_lower(applied, 4) == pytest.approx(sum(applied.probabilities[:3]))
    assert p_lower(bloom_level("the database", "en"), 4) is None


def test_lower_level_flagged_against_an_eqf_level(
    api_env: ApiEnv, tiny_encoder: SentenceTransformerEncoder, tmp_path: Path
) -> None:
    rows = [
        "id,label,description,type,unit,level,standard,essential",
        "L-01,execute software tests,Test software.,skill,U1,6,LVL6,true",
        "L-02,software testing,Know testing.,knowledge,U1,,LVL6,true",
    ]
    (tmp_path / "lvl.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    settings = api_env.settings
    services.add_framework(
        api_env.store, tiny_encoder, settings, name="lvl", path=tmp_path / "lvl.csv", format="csv"
    )
    matcher = _matcher(api_env)
    matcher.add_index("lvl", FrameworkIndex.load(services.index_dir(settings, "lvl")))
    for competency in ("L-01", "L-02"):
        # Only QA covers them: DB's "design" outcome would reach the create level.
        decide(api_env.store, "QA", competency, "accepted", framework="lvl")
        decide(api_env.store, "DB", competency, "rejected", framework="lvl")
    report = build_report(
        api_env.store, matcher, programme="BSC-SD", framework="lvl", standard="LVL6"
    )
    by_id = {r.competency_id: r for r in report.requirements}
    # QA's outcomes "execute ... tests", "use version control" are at apply (3) < analyse (4).
    assert (by_id["L-01"].expected_bloom, by_id["L-01"].level_check) == (4, "lower")
    assert by_id["L-01"].p_lower is not None and by_id["L-01"].p_lower >= 0.5
    assert (by_id["L-02"].expected_bloom, by_id["L-02"].level_check) == (2, "ok")
    assert report.summary.lower_level == 1
    page = Page(render(report, "html").decode("utf-8"))
    assert [e.attrs["data-id"] for e in page.by_class("lower-row")] == ["L-01"]


def test_html_shows_summary_gaps_and_pictures(report: Report) -> None:
    text = render(report, "html").decode("utf-8")
    page = Page(text)
    assert page.field("essential-covered-share") == "67%"
    assert page.field("essential-confirmed-share") == "67%"
    assert page.field("essential-gaps") == "1"
    essential = page.find(data_group="essential")[0].text.split()
    assert essential[:5] == ["essential", "3", "2", "0", "1"]
    gaps = page.by_class("gap-row")
    assert [g.attrs["data-id"] for g in gaps] == ["SD-04"]
    assert "perform fillet welds" in gaps[0].text
    assert len(page.by_class("requirement-row")) == 4
    assert page.field("model-fingerprint") == report.provenance.model_fingerprint
    # Self-contained: two inline pictures, no external files, scripts or styles.
    assert [e.tag for e in page.elements].count("svg") == 2
    assert "<script" not in text and "<link" not in text and "src=" not in text
    assert "<title>design database scheme (essential; confirmed)</title>" in text


def test_xlsx_sheets_cells_colours_and_panes(report: Report) -> None:
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert wb.sheetnames == ["Summary", "Requirements", "Gaps", "Matrix", "Scores", "Provenance"]
    summary = wb["Summary"]
    assert [c.value for c in summary[4]][:5] == ["essential", 3, 2, 0, 1]
    assert summary["F4"].value == pytest.approx(2 / 3) and summary["F4"].number_format == "0%"
    requirements = wb["Requirements"]
    assert requirements.freeze_panes == "D2"
    header = [c.value for c in requirements[1]]
    assert header[:3] == ["unit", "competency_id", "requirement"]
    assert requirements.conditional_formatting, "status columns are coloured"
    gaps = wb["Gaps"]
    assert [c.value for c in gaps[2]][1:3] == ["SD-04", "perform fillet welds"]
    matrix = wb["Matrix"]
    assert [c.value for c in matrix[1]] == ["unit", "requirement", "DB", "QA"]
    assert matrix.freeze_panes == "C2" and matrix.max_row == 5
    labels = {row[1]: row[2:] for row in matrix.iter_rows(min_row=2, values_only=True)}
    assert labels["perform fillet welds"] == ("rejected", "rejected")
    assert labels["design database scheme"][0] == "confirmed"
    assert isinstance(wb["Scores"]["C2"].value, float)
    provenance = dict(wb["Provenance"].iter_rows(min_row=2, values_only=True))
    assert provenance["model fingerprint"] == report.provenance.model_fingerprint
    assert provenance["decisions by reviewer-user"].startswith("3 (2 accepted")


def test_csv_has_a_row_per_covering_module_and_per_gap(report: Report) -> None:
    text = render(report, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    gap = [r for r in rows if r["competency_id"] == "SD-04"]
    assert len(gap) == 1 and gap[0]["module"] == "" and gap[0]["status"] == "gap"
    confirmed = [r for r in rows if r["link_status"] == "confirmed"]
    assert {(r["competency_id"], r["module"]) for r in confirmed} == {
        ("SD-01", "DB"),
        ("SD-02", "QA"),
    }


def test_json_round_trips(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    render(report, "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] == "programme"
    assert data["summary"]["essential"]["covered_share"] == pytest.approx(2 / 3)
    assert Report.model_validate(data) == report
