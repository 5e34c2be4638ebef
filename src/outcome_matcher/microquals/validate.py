"""Offline validation: ELM 3 against the LOQ SHACL shapes, OB3 against its JSON Schema."""

from __future__ import annotations

import copy
import functools
import json
import re
import warnings
from importlib import resources
from typing import Any, cast

SCHEMAS = resources.files("outcome_matcher.microquals") / "schemas"
ELM_CONTEXT_URL = "http://data.europa.eu/snb/model/context/edc-ap"
OB3_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@functools.cache
def _json(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def offline_context(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of `doc` whose ELM context URL is replaced by the bundled context (never fetched)."""
    out = copy.deepcopy(doc)
    bundled = _json("edc-ap-context.jsonld")["@context"]
    ctx = out.get("@context", [])
    ctx = ctx if isinstance(ctx, list) else [ctx]
    unknown = [c for c in ctx if isinstance(c, str) and c != ELM_CONTEXT_URL]
    if unknown:
        raise ValueError(f"no bundled copy of JSON-LD context(s) {unknown}")
    out["@context"] = [bundled if c == ELM_CONTEXT_URL else c for c in ctx]
    return out


def elm_graph(doc: dict[str, Any]) -> Any:
    """The RDF graph (rdflib.Graph) of an ELM JSON-LD document, expanded offline."""
    import rdflib

    graph = rdflib.Graph()
    with warnings.catch_warnings():
        # rdflib 7.6's own JSON-LD parser builds a ConjunctiveGraph, which rdflib deprecates.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph.parse(data=json.dumps(offline_context(doc)), format="json-ld")
    return graph


@functools.cache
def _loq_shapes() -> Any:
    """The LOQ shapes, with their Java-only regexes translated for Python's re (see _pythonic)."""
    import rdflib

    shapes = rdflib.Graph().parse(
        data=(SCHEMAS / "LOQ-constraints.ttl").read_text(encoding="utf-8"), format="turtle"
    )
    sh_pattern = rdflib.URIRef("http://www.w3.org/ns/shacl#pattern")
    for subject, _p, literal in list(shapes.triples((None, sh_pattern, None))):
        shapes.set((subject, sh_pattern, rdflib.Literal(_pythonic(str(literal)))))
    return shapes


# Java regex constructs in the LOQ shapes' URL pattern and their Python equivalents: an inline
# flag must come first, and Java's nested classes and \p{..} properties become flat classes.
_JAVA_TO_PYTHON = (
    ("^(?i)", "(?i)^"),
    (r"[[A-Fa-f0-9]\:\.]", "[A-Fa-f0-9:.]"),
    (r"[%[\p{L}\p{Nl}\p{Nd}]]", r"[%\w]"),
)


def _pythonic(pattern: str) -> str:
    """The pattern in Python's re syntax (unchanged when it has no Java-only construct)."""
    for java, python in _JAVA_TO_PYTHON:
        pattern = pattern.replace(java, python)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a leftover nested class would silently change meaning
        re.compile(pattern)
    return pattern


def validate_elm(doc: dict[str, Any]) -> list[str]:
    """SHACL violations of `doc` against the bundled ELM LOQ shapes (empty when it conforms)."""
    import pyshacl
    import rdflib

    shapes = _loq_shapes()
    conforms, report, _text = pyshacl.validate(elm_graph(doc), shacl_graph=shapes)
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return sorted(
        f"{report.value(r, sh.focusNode)} {report.value(r, sh.resultPath)}: "
        f"{report.value(r, sh.resultMessage)}"
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
    )


def validate_ob3(doc: dict[str, Any]) -> list[str]:
    """JSON Schema errors of an OB3 credential against the bundled AchievementCredential schema."""
    import jsonschema

    validator = jsonschema.Draft201909Validator(_json("achievementcredential.json"))
    return sorted(
        f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in validator.iter_errors(doc)
    )
