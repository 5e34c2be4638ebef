"""Pieces of CASE import: a JSON reader that collects errors by path, item types, standards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks.case_ids import EXTENSION
from outcome_matcher.schemas import Competency, CompetencyType, Requirement, Standard

# CFItemType words (any case) for our competency types; "competency" is CASE's usual spelling.
_TYPES: tuple[tuple[str, CompetencyType], ...] = (
    ("knowledge", "knowledge"),
    ("skill", "skill"),
    ("competenc", "competence"),
)
UNIT_ROLE = "unit"


def item_type(text: str) -> CompetencyType | None:
    """Our type for a CFItemType: "Knowledge", "Skill", "Competency" ...; None for "Strand"."""
    key = text.strip().casefold()
    return next((ours for word, ours in _TYPES if key.startswith(word)), None)


@dataclass
class Reader:
    """Typed access to decoded JSON; every problem is kept with its JSON path, none raised."""

    file: str
    errors: list[InputError] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append(InputError(message, file=self.file, field=path or "$"))

    def raise_errors(self) -> None:
        if self.errors:
            raise InputErrors(self.errors, file=self.file)

    def obj(self, value: object, path: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.error(path, "missing" if value is None else f"expected an object, got {_kind(value)}")
        return {}

    def array(self, value: object, path: str) -> list[Any]:
        if isinstance(value, list):
            return value
        self.error(path, "missing" if value is None else f"expected an array, got {_kind(value)}")
        return []

    def text(self, node: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = node.get(key)
        where = f"{path}.{key}" if path else key
        if value is None or (isinstance(value, str) and not value.strip()):
            if required and node:
                self.error(where, "missing" if value is None else "empty")
            return ""
        if not isinstance(value, str):
            self.error(where, f"expected a string, got {_kind(value)}")
            return ""
        return value.strip()

    def texts(self, node: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        where = f"{path}.{key}"
        if not isinstance(value, list):
            self.error(where, f"expected an array of strings, got {_kind(value)}")
            return ()
        for number, part in enumerate(value):
            if not isinstance(part, str):
                self.error(f"{where}[{number}]", f"expected a string, got {_kind(part)}")
        return tuple(dict.fromkeys(p.strip() for p in value if isinstance(p, str) and p.strip()))


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)


def link_node(reader: Reader, association: dict[str, Any], key: str, path: str) -> str:
    """The identifier an association end names (its uri when it has no identifier)."""
    node = reader.obj(association.get(key), f"{path}.{key}") if association else {}
    where = f"{path}.{key}"
    return reader.text(node, "identifier", where) or reader.text(node, "uri", where, required=True)


def extension(node: dict[str, Any]) -> dict[str, Any]:
    """The outcome-matcher block of a CASE node's `extensions`, or {}."""
    extensions = node.get("extensions")
    block = extensions.get(EXTENSION) if isinstance(extensions, dict) else None
    return block if isinstance(block, dict) else {}


@dataclass(frozen=True)
class Standards:
    """The standard an outcome-matcher standard export describes (none for other packages)."""

    key: str | None
    label: str

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Standards:
        block = extension(document)
        key = block.get("standard")
        label = block.get("standardLabel")
        if not isinstance(key, str) or not key:
            return cls(None, "")
        return cls(key, label if isinstance(label, str) and label else key)

    def is_unit(self, item: dict[str, Any]) -> bool:
        return self.key is not None and extension(item).get("role") == UNIT_ROLE

    def build(
        self,
        competencies: tuple[Competency, ...],
        nodes: dict[str, tuple[Competency, dict[str, Any]]],
    ) -> tuple[Standard, ...]:
        """The one standard: every competency, essential unless its extension says otherwise."""
        if self.key is None:
            return ()
        items = {c.id: item for c, item in nodes.values()}
        requirements = tuple(
            Requirement(
                competency_id=c.id,
                essential=extension(items[c.id]).get("essential") is not False,
                unit=c.unit,
            )
            for c in competencies
        )
        return (Standard(id=self.key, label=self.label, requirements=requirements),)
