"""The SKOS mapping vocabulary and URIs: relations, the om: terms, and minted resource URIs.

Minted URIs (`base` is configurable, default `urn:outcome-matcher`; every part is
percent-encoded, so a ':' or '/' in a code cannot be mistaken for a separator):

- module:     `<base>:<catalogue>:<programme>:<module>`
- outcome:    `<module URI>:outcome:<outcome key>`
- competency: its id when that is a URI (ESCO, O*NET ...), else `<base>:<framework>:competency:<id>`
- decision:   `<base>:decision:<decision id>` (the node that carries a mapping's provenance)

With an http(s) base ("https://example.org/om") the separator is '/' instead of ':'.
Import never parses these URIs: it reads the om: and dcterms: triples that describe them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from rdflib import DCTERMS, PROV, RDF, SKOS, XSD, Namespace, URIRef

from outcome_matcher.frameworks.case_ids import is_uri
from outcome_matcher.store import Relation

OM = Namespace("urn:outcome-matcher:vocab#")
DEFAULT_BASE = "urn:outcome-matcher"
PREDICATES: dict[Relation, URIRef] = {
    "exact": SKOS.exactMatch,
    "close": SKOS.closeMatch,
    "broad": SKOS.broadMatch,
    "narrow": SKOS.narrowMatch,
    "related": SKOS.relatedMatch,
}
RELATIONS: dict[URIRef, Relation] = {p: r for r, p in PREDICATES.items()}
# The predicate of a rejected decision that named no relation: "this is not a match".
NO_MATCH = OM.noMatch
CONTEXT = {
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "xsd": str(XSD),
    "om": str(OM),
}


def relation_of(predicate: URIRef) -> Relation | None:
    """The decision relation of a predicate (None for om:noMatch); KeyError for others."""
    return None if predicate == NO_MATCH else RELATIONS[predicate]


@dataclass(frozen=True)
class UriMinter:
    """Mints module, outcome, competency and decision URIs under one base (see module doc)."""

    base: str = DEFAULT_BASE

    @property
    def _sep(self) -> str:
        return "/" if self.base.startswith(("http://", "https://")) else ":"

    def _join(self, *parts: str) -> URIRef:
        tail = self._sep.join(quote(p, safe="") for p in parts)
        return URIRef(f"{self.base.rstrip(self._sep)}{self._sep}{tail}")

    def module(self, catalogue: str, programme: str, module: str) -> URIRef:
        return self._join(catalogue, programme, module)

    def outcome(self, catalogue: str, programme: str, module: str, outcome: str) -> URIRef:
        return self._join(catalogue, programme, module, "outcome", outcome)

    def competency(self, framework: str, competency_id: str) -> URIRef:
        if is_uri(competency_id):
            return URIRef(competency_id)
        return self._join(framework, "competency", competency_id)

    def decision(self, decision_id: int) -> URIRef:
        return self._join("decision", str(decision_id))
