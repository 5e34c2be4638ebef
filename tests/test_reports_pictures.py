"""Report pictures: PNG size grows with the requirements, SVG parses and keeps full labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from outcome_matcher.reports import render_picture
from outcome_matcher.reports.plots import (
    DPI,
    ROW_INCHES,
    heatmap,
    picture_size,
    safe_text,
    unit_chart,
)
from reports_support import synthetic_report

SVG = "{http://www.w3.org/2000/svg}"


def test_heatmap_png_grows_with_requirements() -> None:
    small = picture_size(heatmap(synthetic_report(10), "png"))
    large = picture_size(heatmap(synthetic_report(120), "png"))
    assert small[0] == large[0] >= 700
    # Each requirement row gets its own fixed height, so 110 more rows add 110 row heights.
    assert large[1] - small[1] == round(110 * ROW_INCHES * DPI)


def test_heatmap_png_widens_with_modules() -> None:
    narrow = picture_size(heatmap(synthetic_report(10, n_modules=4), "png"))
    wide = picture_size(heatmap(synthetic_report(10, n_modules=40), "png"))
    assert wide[0] > narrow[0]


def test_heatmap_svg_parses_and_titles_cut_labels() -> None:
    report = synthetic_report(120)
    root = ET.fromstring(heatmap(report, "svg"))
    assert root.tag == f"{SVG}svg"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    long_label = report.requirements[1].label
    assert len(long_label) > 48
    assert any(t and t.startswith(long_label) for t in titles)
    assert sum(1 for t in titles if t and t.startswith("M0")) == 6


def test_pictures_are_deterministic() -> None:
    report = synthetic_report(30)
    for fmt in ("png", "svg"):
        assert heatmap(report, fmt) == heatmap(report, fmt)
        assert unit_chart(report, fmt) == unit_chart(report, fmt)


def test_unit_chart_has_a_bar_per_unit(tmp_path: object) -> None:
    report = synthetic_report(120)  # five units of 25
    png = render_picture(report, "units", "png")
    width, height = picture_size(png)
    assert png.startswith(b"\x89PNG") and width == 800 and height >= 240
    root = ET.fromstring(render_picture(report, "units", "svg"))
    labels = "".join(root.itertext())
    assert all(f"U{n} Unit" in labels for n in range(1, 6))


def test_labels_in_cyrillic_and_kazakh_draw_without_warnings() -> None:
    report = synthetic_report(3)
    labels = ("Проектирование баз данных", "Деректер қорын жобалау", "Ma'lumotlar bazasi")
    requirements = tuple(
        r.model_copy(update={"label": label})
        for r, label in zip(report.requirements, labels, strict=True)
    )
    report = report.model_copy(update={"requirements": requirements})
    assert "қорын" in heatmap(report, "svg").decode("utf-8")
    heatmap(report, "png")  # filterwarnings=error: a missing glyph would fail here


def test_glyphs_missing_from_dejavu_are_replaced() -> None:
    assert safe_text("设计 database") == "?? database"
    assert safe_text("Проект ә ғ қ ң ө ұ ү һ і o‘") == "Проект ә ғ қ ң ө ұ ү һ і o‘"
