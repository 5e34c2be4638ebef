"""HTML renderer: one self-contained, printable file with the pictures inlined as SVG."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from outcome_matcher.i18n import Translator, labels, translator
from outcome_matcher.reports import plots, svg
from outcome_matcher.reports.data import Report
from outcome_matcher.reports.diff import DiffReport
from outcome_matcher.reports.levels import level_rule
from outcome_matcher.reports.sector import SectorReport


@lru_cache(maxsize=8)
def _env(lang: str) -> Environment:
    """One environment per language, its gettext callables installed once."""
    env = Environment(
        loader=PackageLoader("outcome_matcher.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    tr = translator(lang)
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(pct=tr.percent, num=tr.decimal, bloom=partial(labels.bloom, tr))
    env.globals.update(
        label=partial(labels.label, tr),
        level_label=partial(labels.level, tr),
        html_lang=tr.html_lang,
    )
    return env


def _page(template: str, generated: datetime, tr: Translator, **context: Any) -> bytes:
    page = _env(tr.lang).get_template(template)
    text = page.render(generated=tr.datetime(generated, "long"), **context)
    return text.encode("utf-8")


def render_report(report: Report, tr: Translator | None = None) -> bytes:
    tr = tr or translator()
    return _page(
        "report.html.j2",
        report.provenance.generated,
        tr,
        report=report,
        level_rule=level_rule(tr, report.provenance.level_rule),
        unit_svg=svg.inline(plots.unit_chart(report, "svg", tr), "units"),
        heatmap_svg=svg.inline(plots.heatmap(report, "svg", tr), "heatmap"),
    )


def render_sector(sector: SectorReport, tr: Translator | None = None) -> bytes:
    return _page("sector.html.j2", sector.generated, tr or translator(), sector=sector)


def render_diff(diff: DiffReport, tr: Translator | None = None) -> bytes:
    return _page("diff.html.j2", diff.generated, tr or translator(), diff=diff)
