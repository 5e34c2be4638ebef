"""YAML work programmes (РПД sources): one course with знать / уметь / владеть lists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from outcome_matcher.catalogues._build import ModuleRecord, OutcomeBlock
from outcome_matcher.catalogues._read import LINE_KEY, closest
from outcome_matcher.catalogues._rpd import (
    AIM_KEYS,
    CODE_KEYS,
    CREDIT_KEYS,
    KIND_OF,
    LANG_KEYS,
    TITLE_KEYS,
    kind_of,
    normalise_key,
)
from outcome_matcher.errors import InputError

_NUMBER = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\b")
_KNOWN = frozenset((*TITLE_KEYS, *AIM_KEYS, *CREDIT_KEYS, *CODE_KEYS, *LANG_KEYS))


def is_work_programme(data: Any) -> bool:
    """A mapping with an outcome key (знать, білу, bilishi, ...) and no `programmes`."""
    if not isinstance(data, dict) or "programmes" in data:
        return False
    return any(isinstance(k, str) and kind_of(k) for k in data)


class _Course:
    """Reads one course mapping; problems are collected as errors naming the key path."""

    def __init__(self, data: dict[Any, Any], file: str) -> None:
        self.file = file
        self.errors: list[InputError] = []
        self.keys = {normalise_key(str(k)): k for k in data if k != LINE_KEY}
        self.data = data

    def error(self, message: str, key: str) -> None:
        self.errors.append(InputError(message, file=self.file, field=key))

    def value(self, names: tuple[str, ...]) -> tuple[str, Any] | None:
        """The first of `names` the course has, as (key as written, value)."""
        for name in names:
            if name in self.keys:
                key = self.keys[name]
                return str(key), self.data[key]
        return None

    def text(self, names: tuple[str, ...]) -> str | None:
        found = self.value(names)
        if found is None or found[1] is None:
            return None
        key, value = found
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = " ".join(value)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.error(f"expected text, got {type(value).__name__}", key)
            return None
        return " ".join(str(value).split()) or None

    def title(self) -> str | None:
        found = self.value(TITLE_KEYS)
        if found is None:
            self.error("no course title: expected one of " + ", ".join(TITLE_KEYS), "названия")
            return None
        key, value = found
        names = value if isinstance(value, list) else [value]
        joined = [_name(n) for n in names]
        if not names or any(n is None for n in joined):
            self.error("expected a title, a list of titles or of word lists", key)
            return None
        title = " / ".join(n for n in joined if n)
        return title[:1].upper() + title[1:]

    def credits(self) -> float | None:
        found = self.value(CREDIT_KEYS)
        if found is None or found[1] is None:
            return None
        key, value = found
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        match = _NUMBER.match(value) if isinstance(value, str) else None
        if match is None:
            self.error(f"credits {value!r} is not a number", key)
            return None
        return float(match.group(1).replace(",", "."))

    def outcomes(self) -> list[OutcomeBlock]:
        blocks: list[OutcomeBlock] = []
        for name, key in self.keys.items():
            kind = KIND_OF.get(name)
            if kind is None and name not in _KNOWN:
                self._check_spelling(name, str(key))
            if kind is None:
                continue
            blocks.extend(self._blocks(self.data[key], str(key), kind))
        return blocks

    def _blocks(self, value: Any, key: str, kind: Any) -> list[OutcomeBlock]:
        if value is None:
            return []
        if isinstance(value, str):
            return [OutcomeBlock(value, key, kind)] if value.strip() else []
        if not isinstance(value, list):
            got = type(value).__name__
            self.error(f"expected a list of statements or one text block, got {got}", key)
            return []
        blocks = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                blocks.append(OutcomeBlock(item, f"{key}[{i}]", kind))
            elif item is not None and not isinstance(item, str):
                self.error(f"expected text, got {type(item).__name__}", f"{key}[{i}]")
        return blocks

    def _check_spelling(self, name: str, key: str) -> None:
        # A misspelt outcome key would silently drop a whole kind of outcomes.
        guess = closest(name, list(KIND_OF))
        if guess and guess not in self.keys:
            self.error(f"unknown key {key!r}; did you mean {guess!r}?", key)


def _name(value: Any) -> str | None:
    """One title: a string, or a list of words (the generator's `[операционные, системы]`)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list) and value and all(isinstance(w, str | int) for w in value):
        return " ".join(str(w).strip() for w in value)
    return None


def read_work_programme(
    data: Any, path: Path, base: ModuleRecord | None
) -> tuple[ModuleRecord | None, list[InputError]]:
    """The course as one module of `base`'s programme (or of its own, named like it)."""
    file = str(path)
    if not isinstance(data, dict):
        return None, [InputError("expected a mapping of course keys", file=file, field="(top)")]
    course = _Course(data, file)
    title, outcomes = course.title(), course.outcomes()
    code = course.text(CODE_KEYS) or path.stem
    record = ModuleRecord(
        row=None,
        programme_code=base.programme_code if base else code,
        programme_title=base.programme_title if base else (title or ""),
        module_code=code,
        module_title=title or "",
        outcomes=outcomes,
        programme_level=base.programme_level if base else None,
        programme_lang=base.programme_lang if base else None,
        credits=course.credits(),
        lang=course.text(LANG_KEYS),
        title_fields=(base.title_fields[0] if base else "названия", "названия"),
        description=course.text(AIM_KEYS),
        file=file,
    )
    if not outcomes and not course.errors:
        course.error("no outcomes: знать, уметь and владеть are all empty", "знать")
    return (None if course.errors else record), course.errors
