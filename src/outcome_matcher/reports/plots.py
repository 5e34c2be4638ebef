"""Pictures (matplotlib, no pyplot state): requirement x module heatmap and coverage by unit."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from outcome_matcher.i18n import N_, Translator, labels, translator
from outcome_matcher.reports import svg
from outcome_matcher.reports.data import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PictureFormat = Literal["png", "svg"]
STATUS_COLOURS = {"confirmed": "#2e7d32", "suggested": "#f2a900", "gap": "#c62828"}
ROW_INCHES = 0.2  # one requirement row: 9 pt labels stay readable at 100 dpi
COL_INCHES = 0.42
LABEL_CHARS = 48  # longer labels are cut; the SVG keeps the full text as a <title>
DPI = 100
# Dates and random ids would make the same report differ byte for byte between runs.
_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",
    "svg.hashsalt": "outcome-matcher",
}
# SVG ids of texts that are content (labels as written), not interface.
CONTENT_IDS = ("requirement-", "module-", "unit-", "standard-")
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


@lru_cache(maxsize=1)
def _known_glyphs() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=True))
    return frozenset(font.get_charmap())


def safe_text(text: str) -> str:
    """Replace characters DejaVu Sans lacks (CJK, emoji) instead of warning about them."""
    glyphs = _known_glyphs()
    return "".join(c if ord(c) in glyphs or c.isspace() else "?" for c in text)


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@contextmanager
def _figure(width: float, height: float) -> Iterator[Figure]:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        yield Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _save(fig: Figure, fmt: PictureFormat, titles: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
    data = buffer.getvalue()
    if fmt == "png":
        return data
    return svg.mark_content(svg.add_titles(data, titles), CONTENT_IDS)


def heatmap(report: Report, fmt: PictureFormat = "png", tr: Translator | None = None) -> bytes:
    """Requirements (rows) x modules (columns): colour is the score, marks are the statuses."""
    tr = tr or translator()
    rows, cols = len(report.requirements), len(report.modules)
    width = max(7.0, 4.6 + COL_INCHES * cols)
    height = max(3.0, 2.2 + ROW_INCHES * rows)
    with _figure(width, height) as fig:
        ax = fig.add_subplot()
        if rows and cols:
            _draw_scores(fig, ax, report, tr)
            _draw_marks(ax, report, tr)
        titles = _label_axes(ax, report, tr)
        _draw_units(ax, report, tr)
        _legend(fig, ax)
        # A figure title: an axes title re-measures every top tick label to place itself.
        title = fig.suptitle(
            safe_text(truncate(report.provenance.standard_label, 80)), x=0.02, ha="left"
        )
        title.set_gid("standard-title")
        return _save(fig, fmt, titles)


def _draw_scores(fig: Figure, ax: Axes, report: Report, tr: Translator) -> None:
    import numpy as np
    from matplotlib.colors import Normalize
    from matplotlib.ticker import MaxNLocator

    values = np.array(
        [[math.nan if c.score is None else c.score for c in row] for row in report.matrix],
        dtype=float,
    )
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 1.0
    norm = Normalize(vmin=low, vmax=max(high, low + 1e-6))
    mesh = ax.pcolormesh(values, cmap="Blues", norm=norm, edgecolors="white", linewidth=0.5)
    bar = fig.colorbar(mesh, ax=ax, location="bottom", shrink=0.5, aspect=40, pad=0.01)
    bar.locator = MaxNLocator(5)
    bar.update_ticks()
    threshold = tr.decimal(report.provenance.threshold)
    bar.set_label(
        tr.gettext("score (operating threshold %(threshold)s)") % {"threshold": threshold}
    )


def _draw_marks(ax: Axes, report: Report, tr: Translator) -> None:
    styles = {
        "confirmed": {"marker": "o", "color": "#1b5e20"},
        "partial": {"marker": "o", "color": "#81c784"},
        "pending": {"marker": "s", "color": "#1e88e5"},
        "suggested": {"marker": "o", "facecolors": "none", "edgecolors": "#e65100"},
        "rejected": {"marker": "x", "color": "#616161"},
    }
    for status, style in styles.items():
        points = [
            (j + 0.5, i + 0.5)
            for i, row in enumerate(report.matrix)
            for j, cell in enumerate(row)
            if cell.status == status
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            name = labels.label(tr, "status", status)
            ax.scatter(xs, ys, s=22, linewidths=1.2, label=name, **style)  # type: ignore[arg-type]


def _label_axes(ax: Axes, report: Report, tr: Translator) -> dict[str, str]:
    """Tick labels, cut short; returns the full texts by SVG element id."""
    reqs, mods = report.requirements, report.modules
    ax.set_xlim(0, max(len(mods), 1))
    ax.set_ylim(max(len(reqs), 1), 0)  # first requirement on top, as in the tables
    ax.set_yticks([i + 0.5 for i in range(len(reqs))])
    ax.set_yticklabels([safe_text(truncate(r.label)) for r in reqs])
    ax.set_xticks([j + 0.5 for j in range(len(mods))])
    ax.set_xticklabels([safe_text(m.code) for m in mods], rotation=60, ha="left")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    titles: dict[str, str] = {}
    for i, (label, req) in enumerate(zip(ax.get_yticklabels(), reqs, strict=True)):
        label.set_gid(f"requirement-{i}")
        label.set_fontweight("bold" if req.essential else "normal")
        kind = labels.label(tr, "group", "essential" if req.essential else "optional")
        titles[f"requirement-{i}"] = (
            f"{req.label} ({kind}; {labels.label(tr, 'status', req.status)})"
        )
    for j, (label, module) in enumerate(zip(ax.get_xticklabels(), mods, strict=True)):
        label.set_gid(f"module-{j}")
        titles[f"module-{j}"] = f"{module.code}: {module.title}"
    return titles


def _draw_units(ax: Axes, report: Report, tr: Translator) -> None:
    """Lines between units (or essential and optional) and their names on the right."""
    by_unit = any(r.unit for r in report.requirements)
    units = [_group(r.unit, r.essential, by_unit) for r in report.requirements]
    starts = [i for i, u in enumerate(units) if i == 0 or u != units[i - 1]]
    if not starts:
        return
    for start in starts[1:]:
        ax.axhline(start, color="#333333", linewidth=1.0)
    ends = [*starts[1:], len(units)]
    right = ax.secondary_yaxis("right")
    right.set_yticks([(s + e) / 2 for s, e in zip(starts, ends, strict=True)])
    right.set_yticklabels([safe_text(truncate(_shown(units[s], tr), 28)) for s in starts])
    if by_unit:
        _content_gids(right.get_yticklabels(), [units[s] for s in starts])
    right.tick_params(length=0)


def _legend(fig: Figure, ax: Axes) -> None:
    # A figure legend below everything: an axes-relative anchor drifts with the row count.
    if ax.collections[1:]:
        fig.legend(loc="outside lower center", ncols=5, frameon=False)


def unit_chart(report: Report, fmt: PictureFormat = "png", tr: Translator | None = None) -> bytes:
    """Requirements per unit, stacked: confirmed, suggested only, gap."""
    tr = tr or translator()
    units = _unit_counts(report)
    names = [u for u, _ in units]
    from matplotlib.ticker import MaxNLocator

    with _figure(8.0, max(2.4, 1.4 + 0.45 * len(units))) as fig:
        ax = fig.add_subplot()
        left = [0] * len(units)
        for status, colour in STATUS_COLOURS.items():
            counts = [c[status] for _, c in units]
            name = tr.gettext(_CHART_NAMES[status])
            bars = ax.barh(range(len(units)), counts, left=left, color=colour, label=name)
            ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center")
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_yticks(range(len(units)))
        ax.set_yticklabels([safe_text(truncate(_shown(n, tr), 40)) for n in names])
        if any(r.unit for r in report.requirements):
            _content_gids(ax.get_yticklabels(), names)
        ax.invert_yaxis()
        ax.set_xlabel(tr.gettext("requirements"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, ncols=3)
        by_unit = any(r.unit for r in report.requirements)
        title = tr.gettext("Coverage by unit") if by_unit else tr.gettext("Coverage")
        ax.set_title(safe_text(title), loc="left")
        return _save(fig, fmt, {})


_NO_UNIT = N_("(no unit)")
_CHART_NAMES = {"confirmed": N_("confirmed"), "suggested": N_("suggested only"), "gap": N_("gap")}


def _group(unit: str | None, essential: bool, by_unit: bool) -> str:
    if by_unit:
        return unit or _NO_UNIT
    return "essential" if essential else "optional"


def _content_gids(tick_labels: Sequence[Any], groups: Sequence[str]) -> None:
    """Unit names are content: ids that the SVG marks translate="no" (the fallback is not)."""
    for k, (label, group) in enumerate(zip(tick_labels, groups, strict=True)):
        if group != _NO_UNIT:
            label.set_gid(f"unit-{k}")


def _shown(group: str, tr: Translator) -> str:
    """A group's name as drawn: units as written, the fallback names translated."""
    if group == _NO_UNIT:
        return tr.gettext(_NO_UNIT)
    return labels.label(tr, "group", group) if group in labels.GROUPS else group


def _unit_counts(report: Report) -> list[tuple[str, dict[str, int]]]:
    """Counts per unit; standards without units (ESCO occupations) split essential/optional."""
    by_unit = any(r.unit for r in report.requirements)
    counts: dict[str, dict[str, int]] = {}
    for r in report.requirements:
        key = _group(r.unit, r.essential, by_unit)
        counts.setdefault(key, dict.fromkeys(STATUS_COLOURS, 0))[r.status] += 1
    return list(counts.items())


def picture_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG (read from its header)."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


__all__: Sequence[str] = ("heatmap", "picture_size", "safe_text", "truncate", "unit_chart")
