"""A JSON value with its path in the document, so import errors can say where they are."""

from __future__ import annotations

from typing import Any

from outcome_matcher.errors import InputError


class At:
    """`value` found at `path` (e.g. credentialSubject.hasClaim.learningOutcome[1]) of `file`."""

    def __init__(self, value: Any, path: str = "", file: str | None = None) -> None:
        self.value = value
        self.path = path
        self.file = file

    def error(self, message: str) -> InputError:
        return InputError(message, file=self.file, field=self.path or "(document)")

    def _child(self, value: Any, key: str) -> At:
        return At(value, f"{self.path}.{key}" if self.path else key, self.file)

    def get(self, key: str) -> At | None:
        """The member `key` (the first one when a list of objects holds it), None when absent."""
        node = self.first()
        if not isinstance(node.value, dict) or node.value.get(key) in (None, [], {}, ""):
            return None
        return node._child(node.value[key], key)

    def req(self, key: str, what: str | None = None) -> At:
        found = self.get(key)
        if found is None:
            target = f"{self.path}.{key}" if self.path else key
            raise InputError(f"missing {what or key}", file=self.file, field=target)
        return found

    def items(self) -> list[At]:
        """A list's members (with [i] paths); a single value as a list of one."""
        if isinstance(self.value, list):
            return [At(v, f"{self.path}[{i}]", self.file) for i, v in enumerate(self.value)]
        return [self]

    def first(self) -> At:
        return self.items()[0] if isinstance(self.value, list) and self.value else self

    def obj(self) -> dict[str, Any]:
        node = self.first()
        if not isinstance(node.value, dict):
            raise node.error(f"expected an object, found {type(node.value).__name__}")
        return node.value

    def string(self) -> str:
        node = self.first()
        if not isinstance(node.value, str | int | float) or isinstance(node.value, bool):
            raise node.error(f"expected a string, found {type(node.value).__name__}")
        return str(node.value).strip()

    def types(self) -> set[str]:
        node = self.first()
        if not isinstance(node.value, dict):
            return set()
        raw = node.value.get("type", node.value.get("@type")) or []
        return {raw} if isinstance(raw, str) else {t for t in raw if isinstance(t, str)}

    def opt(self, key: str) -> str | None:
        """The string at member `key`, None when absent."""
        found = self.get(key)
        return found.string() if found else None

    def lang_text(self, prefer: str = "en") -> tuple[str, str]:
        """(text, language) of a language map such as {"en": "..."}; a plain string is `prefer`."""
        node = self.first()
        if isinstance(node.value, str):
            return node.value.strip(), prefer
        if not isinstance(node.value, dict) or not node.value:
            raise node.error('expected a language map such as {"en": "..."}')
        lang = prefer if prefer in node.value else next(iter(node.value))
        text = node.value[lang]
        text = text[0] if isinstance(text, list) and text else text
        if not isinstance(text, str) or not text.strip():
            raise node._child(text, lang).error("expected a non-empty string")
        return text.strip(), lang
