"""Decisions as SKOS mappings (Turtle or JSON-LD via rdflib), each with its provenance.

An accepted or partial decision asserts `<module> skos:<relation>Match <competency>` (the
subject is the evidence outcome's URI when the decision names one; `broadMatch` says the
competency is broader than the module, as SKOS reads it). Every decision, rejected ones too,
also gets a provenance node `<base>:decision:<id>`, typed `rdf:Statement` and `om:Decision`,
that reifies the mapping (rdf:subject / rdf:predicate / rdf:object) and carries om:verdict,
om:reason, om:framework, om:competencyId, om:module, dcterms:creator (the reviewer),
dcterms:created, om:version, prov:wasDerivedFrom (the evidence outcome) and om:confidence
(the suggestion's, when the caller knows it). A rejected decision asserts no mapping: its
node reifies the relation it rejected, or `om:noMatch`, so a consumer reading only the SKOS
triples never sees it as a match. Modules and outcomes are described by om:Module /
om:Outcome nodes (dcterms:identifier, om:programme, om:catalogue, dcterms:isPartOf), which
is what import reads back; URIs are minted as skos_terms documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rdflib import DCTERMS, PROV, RDF, SKOS, XSD, Graph, URIRef
from rdflib import Literal as Lit

from outcome_matcher.review.skos_terms import CONTEXT, NO_MATCH, OM, PREDICATES, UriMinter
from outcome_matcher.store import DecisionPublic

SkosFormat = Literal["turtle", "json-ld"]
MATCHING = ("accepted", "partial")


@dataclass(frozen=True)
class SkosContext:
    """What a decision does not carry: labels for people, and the suggestion's confidence."""

    competency_labels: Mapping[str, str] = field(default_factory=dict)
    module_titles: Mapping[tuple[str, str, str], str] = field(default_factory=dict)
    outcome_texts: Mapping[str, str] = field(default_factory=dict)
    confidence: Mapping[int, float] = field(default_factory=dict)  # by decision id
    lang: str | None = None  # language tag of the labels, if they share one


def export_skos(
    decisions: Sequence[DecisionPublic],
    format: SkosFormat,
    context: SkosContext | None = None,
    *,
    minter: UriMinter | None = None,
    include_rejected: bool = True,
) -> str:
    """The decisions as Turtle or JSON-LD text (see module doc for the shape)."""
    graph = decisions_to_graph(decisions, context, minter=minter, include_rejected=include_rejected)
    if format == "json-ld":
        return graph.serialize(format="json-ld", context=CONTEXT, indent=2, sort_keys=True)
    return graph.serialize(format="turtle")


def decisions_to_graph(
    decisions: Sequence[DecisionPublic],
    context: SkosContext | None = None,
    *,
    minter: UriMinter | None = None,
    include_rejected: bool = True,
) -> Graph:
    """An rdflib graph of the decisions' mappings and their provenance nodes."""
    writer = _Writer(Graph(), context or SkosContext(), minter or UriMinter())
    for prefix, namespace in CONTEXT.items():
        writer.graph.bind(prefix, namespace)
    for d in decisions:
        if d.verdict in MATCHING or (include_rejected and d.verdict == "rejected"):
            writer.add(d)
    return writer.graph


@dataclass
class _Writer:
    graph: Graph
    context: SkosContext
    minter: UriMinter

    def _label(self, node: URIRef, text: str | None) -> None:
        if text:
            self.graph.add((node, SKOS.prefLabel, Lit(text, lang=self.context.lang)))

    def _module(self, d: DecisionPublic) -> URIRef:
        node = self.minter.module(d.catalogue, d.programme, d.module)
        g = self.graph
        g.add((node, RDF.type, OM.Module))
        g.add((node, DCTERMS.identifier, Lit(d.module)))
        g.add((node, OM.programme, Lit(d.programme)))
        g.add((node, OM.catalogue, Lit(d.catalogue)))
        self._label(node, self.context.module_titles.get((d.catalogue, d.programme, d.module)))
        return node

    def _outcome(self, d: DecisionPublic, module: URIRef, key: str) -> URIRef:
        node = self.minter.outcome(d.catalogue, d.programme, d.module, key)
        self.graph.add((node, RDF.type, OM.Outcome))
        self.graph.add((node, DCTERMS.identifier, Lit(key)))
        self.graph.add((node, DCTERMS.isPartOf, module))
        self._label(node, self.context.outcome_texts.get(key))
        return node

    def add(self, d: DecisionPublic) -> None:
        """The decision's mapping (unless rejected) and its provenance node."""
        module = self._module(d)
        outcome = self._outcome(d, module, d.evidence_outcome) if d.evidence_outcome else None
        subject = outcome or module
        competency = self.minter.competency(d.framework, d.competency_id)
        self._label(competency, self.context.competency_labels.get(d.competency_id))
        predicate = PREDICATES[d.relation] if d.relation else NO_MATCH
        if d.verdict in MATCHING:
            self.graph.add((subject, predicate, competency))
        self._provenance(d, (subject, predicate, competency), module, outcome)

    def _provenance(
        self,
        d: DecisionPublic,
        triple: tuple[URIRef, URIRef, URIRef],
        module: URIRef,
        outcome: URIRef | None,
    ) -> None:
        node = self.minter.decision(d.id)
        facts: list[tuple[URIRef, object]] = [
            (RDF.type, RDF.Statement),
            (RDF.type, OM.Decision),
            (RDF.subject, triple[0]),
            (RDF.predicate, triple[1]),
            (RDF.object, triple[2]),
            (OM.verdict, Lit(d.verdict)),
            (OM.reason, Lit(d.reason)),
            (OM.framework, Lit(d.framework)),
            (OM.competencyId, Lit(d.competency_id)),
            (OM.module, module),
            (OM.version, Lit(d.version)),
            (DCTERMS.creator, Lit(d.reviewer)),
            (DCTERMS.created, Lit(d.created.isoformat(), datatype=XSD.dateTime)),
        ]
        if outcome is not None:
            facts.append((PROV.wasDerivedFrom, outcome))
        if d.id in self.context.confidence:
            facts.append((OM.confidence, Lit(float(self.context.confidence[d.id]))))
        for predicate, value in facts:
            self.graph.add((node, predicate, value))  # type: ignore[arg-type]
