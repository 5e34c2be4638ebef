"""1EdTech CASE 1.1 import: a CFPackage (JSON) as a framework, its other associations as links.

Mapping (CFItem -> Competency): id = the item's `uri` (an outcome-matcher URN minted for a
code is turned back into that code), else `urn:uuid:<identifier>`; label = `fullStatement`
(the `abbreviatedStatement` when the full one is longer than a label may be); alt labels =
`abbreviatedStatement` and `conceptKeywords`; description = `notes`; type from `CFItemType`
("Knowledge", "Skill", "Competence"/"Competency", any case; other item types give none);
level = `educationLevel` (joined); lang = the item's `language`, else the document's.
Associations: `isChildOf` between items becomes Competency.broader (an item that is a child
of the CFDocument is a top-level item); every other type (exactMatchOf, isRelatedTo, ...) is
returned as a CaseLink, whose destination may lie outside the package. The humanCodingScheme
is not kept (a Competency has no code field; putting it in the label would add noise to the
embedded text). An outcome-matcher standard export (units and essential flags in the
`outcomeMatcher` extensions) imports back as a framework with that one standard.
Bad input raises InputErrors naming the file and JSON path (e.g. `CFItems[3].fullStatement`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks._io import open_bytes
from outcome_matcher.frameworks._rows import MAX_LABEL_CHARS
from outcome_matcher.frameworks.case_ids import competency_id
from outcome_matcher.frameworks.case_parts import (
    Reader,
    Standards,
    extension,
    item_type,
    link_node,
)
from outcome_matcher.schemas import Competency, Framework


@dataclass(frozen=True)
class CaseLink:
    """A non-hierarchy association: `origin` is a competency id, `destination` one or a URI."""

    origin: str
    type: str
    destination: str
    internal: bool


@dataclass(frozen=True)
class CasePackage:
    """A CFPackage read as a framework, plus the associations that are not hierarchy."""

    framework: Framework
    links: tuple[CaseLink, ...]


def load_case(path: Path, *, name: str, version: str | None = None) -> Framework:
    """Load a CASE 1.1 CFPackage JSON file (plain or gzipped) as a framework."""
    return read_cfpackage(path, name=name, version=version).framework


def read_cfpackage(path: Path, *, name: str, version: str | None = None) -> CasePackage:
    """Read a CFPackage file: the framework and its non-hierarchy links (see module doc)."""
    with open_bytes(Path(path)) as handle:
        raw = handle.read()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON CFPackage: {exc}", file=str(path)) from exc
    return parse_cfpackage(data, name=name, version=version, file=str(path))


def parse_cfpackage(
    data: object, *, name: str, version: str | None = None, file: str = "CFPackage"
) -> CasePackage:
    """A decoded CFPackage as a framework; every problem in one InputErrors, nothing kept."""
    reader = Reader(file)
    package = reader.obj(data, "")
    document = reader.obj(package.get("CFDocument"), "CFDocument") if package else {}
    items = reader.array(package.get("CFItems"), "CFItems") if package else []
    reader.raise_errors()  # without its document or items, nothing else can be checked
    doc_lang = reader.text(document, "language", "CFDocument") or "en"
    nodes = _index_items(reader, items, doc_lang)
    # Ends that are the document, or items already reported, are not "unknown" items.
    doc_keys = _node_keys(reader, document, "CFDocument") + _bad_item_keys(items, nodes)
    associations = package.get("CFAssociations", []) if package else []
    hierarchy, links = _associations(reader, associations, nodes, doc_keys)
    reader.raise_errors()
    standards = Standards.from_document(document)
    competencies = _competencies(nodes, hierarchy, standards)
    framework = Framework(
        name=name,
        version=version or reader.text(document, "version", "CFDocument"),
        format="case",
        source=file,
        competencies=competencies,
        standards=standards.build(competencies, nodes),
    )
    if not framework.competencies:
        raise InputError("the CFPackage has no CFItems", file=file, field="CFItems")
    return CasePackage(framework, links)


def _index_items(
    reader: Reader, items: list[Any], doc_lang: str
) -> dict[str, tuple[Competency, dict[str, Any]]]:
    """Items by every key an association may use (identifier and uri) -> (competency, item)."""
    nodes: dict[str, tuple[Competency, dict[str, Any]]] = {}
    seen: dict[str, str] = {}
    for number, value in enumerate(items):
        path = f"CFItems[{number}]"
        item = reader.obj(value, path)
        competency = _competency(reader, item, path, doc_lang) if item else None
        if competency is None:
            continue
        if competency.id in seen:
            reader.error(
                f"{path}.uri", f"duplicate item {competency.id!r} (first {seen[competency.id]})"
            )
            continue
        seen[competency.id] = path
        for key in _node_keys(reader, item, path):
            nodes[key] = (competency, item)
    return nodes


def _bad_item_keys(items: list[Any], nodes: dict[str, Any]) -> list[str]:
    keys = (item.get(k) for item in items if isinstance(item, dict) for k in ("identifier", "uri"))
    return [k for k in keys if isinstance(k, str) and k and k not in nodes]


def _node_keys(reader: Reader, node: dict[str, Any], path: str) -> list[str]:
    return [
        k
        for k in (reader.text(node, "identifier", path), node.get("uri"))
        if isinstance(k, str) and k
    ]


def _competency(
    reader: Reader, item: dict[str, Any], path: str, doc_lang: str
) -> Competency | None:
    before = len(reader.errors)
    identifier = reader.text(item, "identifier", path, required=True)
    full = reader.text(item, "fullStatement", path, required=True)
    short = reader.text(item, "abbreviatedStatement", path)
    uri = reader.text(item, "uri", path)
    keywords = reader.texts(item, "conceptKeywords", path)
    levels = reader.texts(item, "educationLevel", path)
    kind = reader.text(item, "CFItemType", path)
    label, description = full, reader.text(item, "notes", path)
    if len(full) > MAX_LABEL_CHARS:
        if not short or len(short) > MAX_LABEL_CHARS:
            reader.error(
                f"{path}.fullStatement",
                f"longer than {MAX_LABEL_CHARS} characters and no shorter abbreviatedStatement",
            )
        label, description = short, "\n\n".join(t for t in (full, description) if t)
    if len(reader.errors) > before:
        return None
    unit = extension(item).get("unit")
    return Competency(
        id=competency_id(uri, identifier),
        label=label,
        alt_labels=tuple(dict.fromkeys(a for a in (short, *keywords) if a and a != label)),
        description=description,
        type=item_type(kind),
        level=", ".join(levels) or None,
        unit=unit if isinstance(unit, str) and unit else None,
        lang=reader.text(item, "language", path) or doc_lang,
    )


def _associations(
    reader: Reader,
    associations: object,
    nodes: dict[str, tuple[Competency, dict[str, Any]]],
    doc_keys: list[str],
) -> tuple[dict[str, list[str]], tuple[CaseLink, ...]]:
    """child id -> parent ids (isChildOf between items), and the other links."""
    hierarchy: dict[str, list[str]] = {}
    links: list[CaseLink] = []
    for number, value in enumerate(reader.array(associations, "CFAssociations")):
        path = f"CFAssociations[{number}]"
        association = reader.obj(value, path)
        kind = reader.text(association, "associationType", path, required=True)
        origin = link_node(reader, association, "originNodeURI", path)
        target = link_node(reader, association, "destinationNodeURI", path)
        if not (kind and origin and target):
            continue
        if origin not in nodes:
            if origin not in doc_keys:
                reader.error(f"{path}.originNodeURI", f"unknown item {origin!r}")
            continue
        if target in doc_keys and target not in nodes and kind != "isChildOf":
            continue
        child = nodes[origin][0].id
        if kind == "isChildOf":
            if target in nodes:
                hierarchy.setdefault(child, []).append(nodes[target][0].id)
            elif target not in doc_keys:
                reader.error(f"{path}.destinationNodeURI", f"unknown item {target!r}")
        else:
            inside = target in nodes
            links.append(CaseLink(child, kind, nodes[target][0].id if inside else target, inside))
    return hierarchy, tuple(links)


def _competencies(
    nodes: dict[str, tuple[Competency, dict[str, Any]]],
    hierarchy: dict[str, list[str]],
    standards: Standards,
) -> tuple[Competency, ...]:
    """Each item once, in package order, with its parents as broader (unit items left out)."""
    by_id = {c.id: (c, item) for c, item in nodes.values()}
    units = {i: c.label for i, (c, item) in by_id.items() if standards.is_unit(item)}
    result = []
    for cid, (c, _) in by_id.items():
        if cid in units:
            continue
        parents = list(dict.fromkeys(hierarchy.get(cid, ())))
        unit = c.unit or next((units[p] for p in parents if p in units), None)
        broader = tuple(p for p in parents if p not in units)
        result.append(c.model_copy(update={"broader": broader, "unit": unit}))
    return tuple(result)


__all__ = ["CaseLink", "CasePackage", "load_case", "parse_cfpackage", "read_cfpackage"]
