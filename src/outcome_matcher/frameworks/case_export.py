"""1EdTech CASE 1.1 export: a framework, or one of its standards, as a CFPackage (JSON).

Deterministic: identifiers are UUIDv5 of the URIs (a competency's id when it is a URI, else
`urn:outcome-matcher:<framework>:competency:<id>`, which import turns back into the id), and
every `lastChangeDateTime` is `changed` (pass the framework's import time; the default is the
Unix epoch). A framework export has one CFItem per competency and an `isChildOf` association
per `broader` inside the framework (else to the CFDocument). A standard export has only the
standard's requirements, each a child of a CFItem of type "Unit" (or of the CFDocument); the
`outcomeMatcher` extensions carry what CASE has no field for (unit role, essential).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks.case_ids import (
    EXTENSION,
    framework_uri,
    is_uri,
    item_uri,
    stable_uuid,
)
from outcome_matcher.frameworks.case_parts import UNIT_ROLE
from outcome_matcher.schemas import Competency, Framework, Standard

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_Node = tuple[str, str]  # (uri, title) of an association end


def framework_to_cfpackage(
    framework: Framework,
    standard: str | None = None,
    *,
    changed: datetime | None = None,
    creator: str = "outcome-matcher",
) -> dict[str, Any]:
    """The framework (or its standard `standard`, by id) as a CASE 1.1 CFPackage dict."""
    stamp = (changed or EPOCH).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    chosen = _standard(framework, standard) if standard is not None else None
    exporter = _Exporter(framework, chosen, stamp)
    document = exporter.document(creator)
    items, associations = exporter.items_and_associations()
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}


def _standard(framework: Framework, key: str) -> Standard:
    for standard in framework.standards:
        if standard.id == key:
            return standard
    known = ", ".join(s.id for s in framework.standards) or "none"
    raise InputError(
        f"framework {framework.name!r} has no standard {key!r} (standards: {known})",
        field="standard",
    )


class _Exporter:
    """Builds the CFPackage parts of one framework or standard, all stamped alike."""

    def __init__(self, framework: Framework, standard: Standard | None, stamp: str) -> None:
        self.framework = framework
        self.standard = standard
        self.stamp = stamp
        self.doc_uri = framework_uri(framework.name, standard.id if standard else None)
        self.title = f"{framework.name}: {standard.label}" if standard else framework.name
        self.by_id = {c.id: c for c in framework.competencies}

    def document(self, creator: str) -> dict[str, Any]:
        document: dict[str, Any] = {
            "identifier": stable_uuid(self.doc_uri),
            "uri": self.doc_uri,
            "creator": creator,
            "title": self.title,
            "lastChangeDateTime": self.stamp,
            "caseVersion": "1.1",
        }
        langs = [c.lang for c in self.framework.competencies]
        if langs:
            document["language"] = max(dict.fromkeys(langs), key=langs.count)
        if self.framework.version:
            document["version"] = self.framework.version
        if self.standard is not None:
            if self.standard.description:
                document["description"] = self.standard.description
            block = {"standard": self.standard.id, "standardLabel": self.standard.label}
            document["extensions"] = {EXTENSION: block}
        return document

    def items_and_associations(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if self.standard is None:
            return self._framework_parts()
        return self._standard_parts(self.standard)

    def _framework_parts(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        items: list[dict[str, Any]] = []
        associations: list[dict[str, Any]] = []
        root = (self.doc_uri, self.title)
        for c in self.framework.competencies:
            items.append(self._item(c, {EXTENSION: {"unit": c.unit}} if c.unit else None))
            parents = [self._end(self.by_id[b]) for b in c.broader if b in self.by_id]
            for parent in parents or [root]:
                associations.append(self._child_of(self._end(c), parent, len(associations)))
        return items, associations

    def _standard_parts(
        self, standard: Standard
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        items: list[dict[str, Any]] = []
        associations: list[dict[str, Any]] = []
        units: dict[str, _Node] = {}
        root = (self.doc_uri, self.title)
        for requirement in _unique(standard.requirements):
            c = self._competency(requirement.competency_id)
            parent = root
            if requirement.unit:
                if requirement.unit not in units:
                    units[requirement.unit] = self._unit(requirement.unit, items)
                    associations.append(
                        self._child_of(units[requirement.unit], root, len(associations))
                    )
                parent = units[requirement.unit]
            items.append(self._item(c, {EXTENSION: {"essential": requirement.essential}}))
            associations.append(self._child_of(self._end(c), parent, len(associations)))
        return items, associations

    def _competency(self, competency_id: str) -> Competency:
        if competency_id not in self.by_id:
            raise InputError(
                f"standard requires {competency_id!r}, which is not in the framework",
                field="standard",
            )
        return self.by_id[competency_id]

    def _unit(self, unit: str, items: list[dict[str, Any]]) -> _Node:
        uri = f"{self.doc_uri}:unit:{quote(unit, safe='')}"
        items.append(
            {
                "identifier": stable_uuid(uri),
                "uri": uri,
                "fullStatement": unit,
                "CFItemType": "Unit",
                "lastChangeDateTime": self.stamp,
                "extensions": {EXTENSION: {"role": UNIT_ROLE}},
            }
        )
        return uri, unit

    def _item(self, c: Competency, extensions: dict[str, Any] | None) -> dict[str, Any]:
        uri = item_uri(self.framework.name, c.id)
        item: dict[str, Any] = {
            "identifier": stable_uuid(uri),
            "uri": uri,
            "fullStatement": c.label,
            "lastChangeDateTime": self.stamp,
            "language": c.lang,
        }
        optional: dict[str, Any] = {
            "humanCodingScheme": None if is_uri(c.id) else c.id,
            "CFItemType": c.type.capitalize() if c.type else None,
            "conceptKeywords": list(c.alt_labels) or None,
            "notes": c.description or None,
            "educationLevel": [c.level] if c.level else None,
            "extensions": extensions,
        }
        item.update({k: v for k, v in optional.items() if v is not None})
        return item

    def _end(self, c: Competency) -> _Node:
        return item_uri(self.framework.name, c.id), c.label

    def _child_of(self, child: _Node, parent: _Node, number: int) -> dict[str, Any]:
        identifier = stable_uuid(f"{child[0]}|isChildOf|{parent[0]}")
        return {
            "identifier": identifier,
            "associationType": "isChildOf",
            "sequenceNumber": number + 1,
            "uri": f"urn:uuid:{identifier}",
            "originNodeURI": _link(child),
            "destinationNodeURI": _link(parent),
            "lastChangeDateTime": self.stamp,
        }


def _link(node: _Node) -> dict[str, str]:
    uri, title = node
    return {"title": title, "identifier": stable_uuid(uri), "uri": uri}


def _unique(requirements: Iterable[Any]) -> list[Any]:
    """Requirements with each competency once (the first mention wins)."""
    seen: dict[str, Any] = {}
    for requirement in requirements:
        seen.setdefault(requirement.competency_id, requirement)
    return list(seen.values())
