"""Decisions in and out in every exchange format: the CSV mapping table and SKOS (Turtle, JSON-LD).

One code path for the CLI and the API: `export_decisions` picks the writer by format and
`import_decisions` the reader by the file's content (review/skos_read.sniff_decisions_file).
"""

from __future__ import annotations

from typing import Literal, get_args

from outcome_matcher.errors import InputError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.mapping_table import export_csv, import_csv, reason_rule
from outcome_matcher.review.skos import SkosContext, export_skos
from outcome_matcher.review.skos_read import read_skos_nodes, sniff_decisions_file
from outcome_matcher.store import DecisionPublic, Store, UserInfo
from outcome_matcher.store.public import DecisionImportResult

ExportFormat = Literal["csv", "skos-ttl", "skos-jsonld"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
MEDIA_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "skos-ttl": ("text/turtle; charset=utf-8", "ttl"),
    "skos-jsonld": ("application/ld+json", "jsonld"),
}


def export_decisions(
    store: Store,
    programme: str,
    framework: str,
    catalogue: str | None = None,
    format: ExportFormat = "csv",
) -> str:
    """A programme's current decisions with a framework as text in `format`."""
    if format not in EXPORT_FORMATS:
        raise InputError(
            f"unknown format {format!r}; use {', '.join(EXPORT_FORMATS)}", field="format"
        )
    if format == "csv":
        return export_csv(store, programme, framework, catalogue)
    decisions = store.current_decisions(programme, framework, catalogue=catalogue)
    context = skos_context(store, programme, framework, catalogue, decisions)
    return export_skos(decisions, "turtle" if format == "skos-ttl" else "json-ld", context)


def skos_context(
    store: Store,
    programme: str,
    framework: str,
    catalogue: str | None,
    decisions: list[DecisionPublic],
) -> SkosContext:
    """Labels of the competencies, titles of the modules and texts of the outcomes decided on."""
    ids = sorted({d.competency_id for d in decisions})
    labels = {c.id: c.label for c in store.get_competencies(framework, ids)} if ids else {}
    stored = store.get_programme(programme, catalogue)
    titles = {
        (d.catalogue, d.programme, m.code): m.title for d in decisions for m in stored.modules
    }
    texts = {o.id: o.text for m in stored.modules for o in m.outcomes}
    return SkosContext(competency_labels=labels, module_titles=titles, outcome_texts=texts)


def import_decisions(
    store: Store,
    text: str,
    *,
    framework: str | None,
    reviewer: UserInfo,
    catalogue: str | None = None,
    file: str = "upload",
    matcher: Matcher | None = None,
) -> DecisionImportResult:
    """Import a mapping table or SKOS mappings (recognised by content): all rows, or none.

    A CSV table needs `framework`; SKOS names its framework on each decision node (bare
    `skos:*Match` triples from other tools take `framework`). With a `matcher`, CSV rows
    follow the reason rule (review.mapping_table.import_csv).
    """
    if sniff_decisions_file(text) == "csv":
        if framework is None:
            raise InputError("a CSV mapping table needs the framework", field="framework")
        return import_csv(
            store,
            text,
            framework=framework,
            reviewer=reviewer,
            catalogue=catalogue,
            file=file,
            matcher=matcher,
        )
    pairs = read_skos_nodes(text, file=file, framework=framework, catalogue=catalogue)
    rows = [(number, d) for number, (_, d) in enumerate(pairs, start=1)]
    if matcher is not None:  # the API: the same reason rule as POST /decisions and CSV tables
        reason_rule(store, matcher, rows, file)
    return store.import_decisions(rows, reviewer, source=file)
