"""The sample programme against ESCO "ICT application developer" with the real e5 model.

Set OUTCOME_MATCHER_REPORT_OUT to a directory to keep the files and `timings.json`
(render seconds and bytes per output; docs/reports.md quotes them).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from openpyxl import load_workbook

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.frameworks import load_framework
from outcome_matcher.reports import Report, build_report, render, render_picture
from outcome_matcher.reports.plots import PictureFormat, picture_size
from outcome_matcher.reports.render import PictureKind, ReportFormat
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.store import Store
from reports_support import Page

pytestmark = pytest.mark.real_model
CORPORA = Path(__file__).resolve().parents[1] / "corpora"
OCCUPATION = "ICT application developer"


def _esco_subset_store(encoder: SentenceTransformerEncoder, settings: Settings) -> Store:
    """ESCO with only the occupation's skills indexed: the report is the same, indexing quick."""
    esco = load_framework(CORPORA / "esco_v1.1.1_en", "esco", name="esco", version="v1.1.1")
    standard = next(s for s in esco.standards if s.label == OCCUPATION)
    wanted = {r.competency_id for r in standard.requirements}
    subset = esco.model_copy(
        update={
            "competencies": tuple(c for c in esco.competencies if c.id in wanted),
            "standards": (standard,),
        }
    )
    store = Store.open(settings.db_url, migrate=True)
    store.add_framework(subset)
    FrameworkIndex.build(subset, encoder).save(services.index_dir(settings, "esco"))
    store.set_index_fingerprint("esco", encoder.fingerprint)
    sample = CORPORA / "samples" / "software_developer_en.yaml"
    services.add_catalogue(store, sample, name=None, max_chars=settings.max_text_chars)
    return store


def _timed(make: Callable[[], bytes]) -> tuple[bytes, float]:
    start = time.perf_counter()
    data = make()
    return data, time.perf_counter() - start


def _render_all(report: Report, out: Path) -> dict[str, dict[str, float]]:
    timings: dict[str, dict[str, float]] = {}
    formats: tuple[ReportFormat, ...] = ("html", "xlsx", "csv", "json")
    jobs: dict[str, Callable[[], bytes]] = {
        f"report.{f}": partial(render, report, f) for f in formats
    }
    kinds: tuple[PictureKind, ...] = ("heatmap", "units")
    pictures: tuple[PictureFormat, ...] = ("png", "svg")
    for kind in kinds:
        for fmt in pictures:
            jobs[f"{kind}.{fmt}"] = partial(render_picture, report, kind, fmt)
    for name, make in jobs.items():
        data, seconds = _timed(make)
        (out / name).write_bytes(data)
        timings[name] = {"seconds": round(seconds, 3), "bytes": len(data)}
    return timings


def test_sample_programme_against_esco_occupation(
    e5_esco_encoder: SentenceTransformerEncoder, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with _esco_subset_store(e5_esco_encoder, settings) as store:
        matcher = services.load_matcher(settings, store, e5_esco_encoder)
        report, build_seconds = _timed_report(store, matcher)
    out = Path(os.environ.get("OUTCOME_MATCHER_REPORT_OUT") or tmp_path / "out")
    out.mkdir(parents=True, exist_ok=True)
    timings = _render_all(report, out)
    timings["build"] = {"seconds": round(build_seconds, 3), "bytes": 0}
    (out / "timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")

    assert len(report.requirements) == 93 and len(report.modules) == 9
    labels = {r.label for r in report.requirements if r.status != "gap"}
    # The sample was written to cover these (see corpora/samples/SOURCE.md).
    assert {"computer programming", "use software design patterns"} <= labels
    assert 0 < report.summary.essential.covered_share < 1
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    assert len(page.by_class("requirement-row")) == 93
    assert len(page.by_class("gap-row")) == len(report.gaps())
    assert load_workbook(out / "report.xlsx")["Matrix"].max_row == 94
    assert picture_size((out / "heatmap.png").read_bytes())[1] > 93 * 20


def _timed_report(store: Store, matcher: object) -> tuple[Report, float]:
    from outcome_matcher.retrieval.matcher import Matcher

    assert isinstance(matcher, Matcher)
    start = time.perf_counter()
    report = build_report(store, matcher, programme="BSC-SD", framework="esco", standard=OCCUPATION)
    return report, time.perf_counter() - start
