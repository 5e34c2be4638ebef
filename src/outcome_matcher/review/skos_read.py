"""SKOS mappings (Turtle or JSON-LD) back into decisions: all, or errors naming each bad node.

Reads what skos.export_skos writes: each om:Decision node is one DecisionCreate (in order of
dcterms:created). A bare `<module or outcome> skos:*Match <competency>` triple without such a
node (from another tool) is an accepted decision when `framework` is given; its subject must
still be described as an om:Module / om:Outcome. JSON-LD must carry its @context inline:
nothing is fetched.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast

from pydantic import ValidationError
from rdflib import DCTERMS, RDF, Graph, URIRef
from rdflib import Literal as Lit
from rdflib.term import Node

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.review.skos_terms import OM, RELATIONS, relation_of
from outcome_matcher.store import DecisionCreate, Relation

ReadFormat = Literal["turtle", "json-ld"]
DecisionsFormat = Literal["skos-jsonld", "skos-ttl", "csv"]
_TURTLE_START = re.compile(r"^(@prefix|@base|prefix\s|base\s|<|_:|\[)", re.IGNORECASE)
_VERDICTS = ("accepted", "partial", "rejected")


def sniff_format(text: str) -> ReadFormat:
    """JSON-LD when the text is JSON (starts with '{' or '['), else Turtle."""
    return "json-ld" if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") else "turtle"


def sniff_decisions_file(text: str) -> DecisionsFormat:
    """What a decisions file is, by its content: SKOS JSON-LD, SKOS Turtle or a CSV table."""
    if sniff_format(text) == "json-ld":
        return "skos-jsonld"
    lines = (line.strip() for line in text.lstrip("\ufeff").splitlines())
    first = next((line for line in lines if line and not line.startswith("#")), "")
    return "skos-ttl" if _TURTLE_START.match(first) else "csv"


def read_skos(
    text: str,
    format: ReadFormat | None = None,
    *,
    file: str = "mappings",
    framework: str | None = None,
    catalogue: str | None = None,
) -> list[DecisionCreate]:
    """Decisions from SKOS text (format sniffed when None); InputErrors lists every bad node.

    `catalogue` overrides the om:catalogue of every module (import into another catalogue).
    """
    pairs = read_skos_nodes(text, format, file=file, framework=framework, catalogue=catalogue)
    return [d for _, d in pairs]


def read_skos_nodes(
    text: str,
    format: ReadFormat | None = None,
    *,
    file: str = "mappings",
    framework: str | None = None,
    catalogue: str | None = None,
) -> list[tuple[str, DecisionCreate]]:
    """(node, decision) pairs, as read_skos: the node names a store error's "row" for people."""
    graph = parse_graph(text, format or sniff_format(text), file)
    reader = _Reader(graph, file, framework, catalogue)
    nodes = sorted(set(graph.subjects(RDF.type, OM.Decision)), key=str)
    dated = [(found, node) for node in nodes if (found := reader.decision(node)) is not None]
    dated.sort(key=lambda pair: pair[0][0])  # by dcterms:created, so history replays in order
    bare = reader.bare_matches()
    if reader.errors:
        raise InputErrors(reader.errors, file=file)
    return [(_name(node), d) for (_, d), node in dated] + bare


def parse_graph(text: str, format: ReadFormat, file: str) -> Graph:
    """The RDF graph of the text; InputError for bad syntax or a remote JSON-LD context."""
    if format == "json-ld":
        _refuse_remote_context(text, file)
    try:
        with warnings.catch_warnings():
            # rdflib 7.6's own JSON-LD parser uses its deprecated ConjunctiveGraph internally.
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
            return Graph().parse(data=text, format=format)
    except Exception as exc:  # rdflib raises many parser-specific types (BadSyntax, ...)
        raise InputError(f"not valid {format}: {exc}", file=file) from exc


def _refuse_remote_context(text: str, file: str) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON-LD: {exc}", file=file, row=exc.lineno) from exc
    stack: list[object] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            context = value.get("@context")
            contexts = context if isinstance(context, list) else [context]
            if any(isinstance(c, str) for c in contexts):
                raise InputError("remote @context is not fetched; inline it", file=file)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


@dataclass
class _Reader:
    graph: Graph
    file: str
    framework: str | None
    catalogue: str | None
    errors: list[InputError] = field(default_factory=list)
    covered: set[tuple[Node, Node, Node]] = field(default_factory=set)

    def _error(self, node: Node, message: str) -> None:
        self.errors.append(InputError(message, file=self.file, field=_name(node)))

    def _name(self, node: Node) -> str:
        return _name(node, self.graph)

    def _triple(self, triple: tuple[Node, Node, Node]) -> str:
        return " ".join(self._name(t) for t in triple)

    def _text(self, node: Node, predicate: URIRef, *, required: bool = True) -> str | None:
        value = self.graph.value(node, predicate)
        if isinstance(value, Lit):
            return str(value)
        if value is not None or required:
            found = "missing" if value is None else f"not a literal ({self._name(value)})"
            self._error(node, f"{self._name(predicate)} is {found}")
        return None

    def _version(self, node: Node) -> int:
        """om:version: the link version the decision was exported at (0 when absent), which a
        re-import supersedes, so that a file exported before a newer decision is stale."""
        text = self._text(node, OM.version, required=False)
        if text is None:
            return 0
        if not text.strip().isdigit():
            self._error(node, f"om:version {text!r} is not a non-negative integer")
            return 0
        return int(text)

    def decision(self, node: Node) -> tuple[str, DecisionCreate] | None:
        """(dcterms:created, decision) of one provenance node, or None after recording errors."""
        before = len(self.errors)
        verdict = self._text(node, OM.verdict)
        triple = tuple(self.graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if verdict is not None and verdict not in _VERDICTS:
            self._error(node, f"om:verdict {verdict!r} is not one of {', '.join(_VERDICTS)}")
        if any(t is None for t in triple):
            self._error(node, "needs rdf:subject, rdf:predicate and rdf:object")
        else:  # even when the node is bad, its mapping is not also reported as a bare one
            self.covered.add(cast(tuple[Node, Node, Node], triple))
        relation = self._relation(node, triple[1])
        framework = self._text(node, OM.framework, required=self.framework is None)
        competency = self._text(node, OM.competencyId, required=False) or _opt(triple[2])
        reason = self._text(node, OM.reason, required=False) or ""
        created = self._text(node, DCTERMS.created, required=False) or ""
        version = self._version(node)
        where = self._where(triple[0]) if triple[0] is not None else None
        if verdict in _VERDICTS and None not in triple and len(self.errors) == before:
            self._check_asserted(node, cast(tuple[Node, Node, Node], triple), verdict)
        if len(self.errors) > before or where is None or verdict is None:
            return None
        fields: dict[str, object] = {"framework": framework or self.framework}
        fields |= {"competency_id": competency, "verdict": verdict, "relation": relation}
        fields |= {"reason": reason, "expected_version": version}
        d = self._create(node, where, fields)
        return (created, d) if d is not None else None

    def _relation(self, node: Node, predicate: Node | None) -> Relation | None:
        if not isinstance(predicate, URIRef):
            return None
        try:
            return relation_of(predicate)
        except KeyError:
            self._error(node, f"rdf:predicate {self._name(predicate)} is not a skos:*Match")
            return None

    def _check_asserted(self, node: Node, triple: tuple[Node, Node, Node], verdict: str) -> None:
        asserted = triple in self.graph
        if verdict != "rejected" and not asserted:
            self._error(node, f"the {verdict} mapping {self._triple(triple)} is not asserted")
        if verdict == "rejected" and asserted:
            self._error(node, f"the rejected mapping {self._triple(triple)} is asserted as a match")

    def _where(self, subject: Node) -> tuple[str, str, str | None, str | None] | None:
        """(programme, module, catalogue, evidence outcome) of a module or outcome subject."""
        outcome = None
        module: Node | None = subject
        if (subject, RDF.type, OM.Outcome) in self.graph:
            outcome = self._text(subject, DCTERMS.identifier)
            module = self.graph.value(subject, DCTERMS.isPartOf)
            if module is None:
                self._error(subject, "om:Outcome has no dcterms:isPartOf module")
                return None
        if (module, RDF.type, OM.Module) not in self.graph:
            self._error(subject, "is neither an om:Module nor an om:Outcome")
            return None
        assert module is not None
        code = self._text(module, DCTERMS.identifier)
        programme = self._text(module, OM.programme)
        catalogue = self.catalogue or self._text(module, OM.catalogue, required=False)
        if code is None or programme is None:
            return None
        return programme, code, catalogue, outcome

    def _create(
        self,
        node: Node,
        where: tuple[str, str, str | None, str | None],
        fields: Mapping[str, object],
    ) -> DecisionCreate | None:
        programme, module, catalogue, outcome = where
        try:
            return DecisionCreate.model_validate(
                {
                    "programme": programme,
                    "module": module,
                    "catalogue": catalogue,
                    "evidence_outcome": outcome,
                    "expected_version": 0,  # bare matches; a decision node's om:version wins
                    **fields,
                }
            )
        except ValidationError as exc:
            self._error(node, "; ".join(e["msg"] for e in exc.errors()))
            return None

    def bare_matches(self) -> list[tuple[str, DecisionCreate]]:
        """Accepted decisions for skos:*Match triples that no provenance node describes."""
        found: list[tuple[str, DecisionCreate]] = []
        for predicate, relation in RELATIONS.items():
            for s, o in self.graph.subject_objects(predicate):
                if (s, predicate, o) in self.covered:
                    continue
                if self.framework is None:
                    self._error(
                        s,
                        f"{self._triple((s, predicate, o))} has no om:Decision node; "
                        "pass the framework to import bare mappings",
                    )
                    continue
                where = self._where(s)
                if where is not None:
                    fields = {
                        "framework": self.framework,
                        "competency_id": str(o),
                        "verdict": "accepted",
                        "relation": relation,
                    }
                    d = self._create(s, where, fields)
                    found += [(_name(s), d)] if d is not None else []
        return found


def _opt(node: Node | None) -> str | None:
    return str(node) if node is not None else None


def _name(node: Node, graph: Graph | None = None) -> str:
    """The node as Turtle writes it, with the file's prefixes ("om:verdict") when known."""
    manager = graph.namespace_manager if graph is not None else None
    return node.n3(manager) if hasattr(node, "n3") else str(node)
