"""The XLSX workbook's human-facing words: sheet names, column titles and coded values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from outcome_matcher.i18n import N_, Translator, labels
from outcome_matcher.reports.tabular import Cell

# Column titles: in English the machine keys themselves (as in the CSV), translated elsewhere.
COLUMN_TITLES: dict[str, str] = {
    key: key
    for key in (
        N_("unit"),
        N_("competency_id"),
        N_("requirement"),
        N_("essential"),
        N_("type"),
        N_("level"),
        N_("level_scale"),
        N_("eqf"),
        N_("status"),
        N_("over_covered"),
        N_("module"),
        N_("module_title"),
        N_("link_status"),
        N_("score"),
        N_("confidence"),
        N_("relation"),
        N_("reviewer"),
        N_("evidence_outcome"),
        N_("bloom_level"),
        N_("expected_bloom"),
        N_("p_lower"),
        N_("level_check"),
        N_("catalogue"),
        N_("programme"),
        N_("title"),
        N_("modules"),
        N_("essential_total"),
        N_("essential_confirmed"),
        N_("essential_suggested"),
        N_("essential_gaps"),
        N_("essential_covered_share"),
        N_("optional_total"),
        N_("optional_covered_share"),
        N_("lower_level"),
        N_("sign_off"),
        N_("essential_gap_labels"),
        N_("old_status"),
        N_("new_status"),
        N_("change"),
        N_("old_modules"),
        N_("new_modules"),
        N_("field"),
        N_("value"),
    )
}
# Which table of coded values a column holds (its cells are shown translated).
CODED: dict[str, str] = {
    "status": "status",
    "link_status": "status",
    "old_status": "status",
    "new_status": "status",
    "level_check": "level_check",
    "relation": "relation",
    "type": "type",
    "change": "change",
    "sign_off": "sign_off",
}
SHEETS: dict[str, str] = {
    "Summary": N_("Summary"),
    "Requirements": N_("Requirements"),
    "Gaps": N_("Gaps"),
    "Matrix": N_("Matrix"),
    "Scores": N_("Scores"),
    "Provenance": N_("Provenance"),
    "Programmes": N_("Programmes"),
    "Diff": N_("Diff"),
}


def sheet(tr: Translator, name: str) -> str:
    """A sheet's title: translated, at most 31 characters, none of Excel's forbidden ones."""
    title = tr.gettext(SHEETS[name])
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]


def titles(tr: Translator, columns: Sequence[str]) -> list[str]:
    return [tr.gettext(COLUMN_TITLES[c]) if c in COLUMN_TITLES else c for c in columns]


def coded_rows(
    tr: Translator, columns: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> list[list[Cell]]:
    """Rows with their coded cells (statuses, relations, ...) in `tr`'s language."""
    tables = [CODED.get(c) for c in columns]
    return [[_shown(tr, t, v) for t, v in zip(tables, row, strict=True)] for row in rows]


def _shown(tr: Translator, table: str | None, value: Cell) -> Cell:
    return labels.label(tr, table, value) if table and isinstance(value, str) else value


def status_words(tr: Translator, words: Iterable[str]) -> dict[str, str]:
    """Each fill's trigger word as it appears in the translated cells."""
    tables = ("status", "level_check", "change")
    found: dict[str, str] = {}
    for word in words:
        table = next((t for t in tables if word in labels.TABLES[t]), None)
        found[word] = labels.label(tr, table, word) if table else word
    return found
