"""HTML renderer: one self-contained, printable file with the pictures inlined as SVG."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from outcome_matcher.reports import plots, svg
from outcome_matcher.reports.data import Report
from outcome_matcher.reports.diff import DiffReport
from outcome_matcher.reports.levels import bloom_name
from outcome_matcher.reports.sector import SectorReport


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("outcome_matcher.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, num=_num, bloom=bloom_name)
    return env


def _page(template: str, generated: datetime, **context: Any) -> bytes:
    stamp = generated.strftime("%Y-%m-%d %H:%M UTC")
    text = _env().get_template(template).render(generated=stamp, **context)
    return text.encode("utf-8")


def render_report(report: Report) -> bytes:
    return _page(
        "report.html.j2",
        report.provenance.generated,
        report=report,
        unit_svg=svg.inline(plots.unit_chart(report, "svg"), "units"),
        heatmap_svg=svg.inline(plots.heatmap(report, "svg"), "heatmap"),
    )


def render_sector(sector: SectorReport) -> bytes:
    return _page("sector.html.j2", sector.generated, sector=sector)


def render_diff(diff: DiffReport) -> bytes:
    return _page("diff.html.j2", diff.generated, diff=diff)
