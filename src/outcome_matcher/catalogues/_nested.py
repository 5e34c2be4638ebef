"""Nested JSON/YAML catalogues: catalogue -> programmes -> modules -> outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from outcome_matcher.catalogues._build import ModuleRecord, OutcomeBlock
from outcome_matcher.catalogues._read import LINE_KEY, closest
from outcome_matcher.errors import InputError

CATALOGUE_KEYS = ("name", "institution", "version", "lang", "programmes")
PROGRAMME_KEYS = ("code", "title", "level", "lang", "modules")
MODULE_KEYS = ("code", "title", "credits", "level", "lang", "outcomes")

# Reads a module file named by a relative path in `modules` (a work programme) as a module
# of the given programme: (reference, programme record, key path) -> (record, errors).
Include = Callable[[str, ModuleRecord, str], tuple[ModuleRecord | None, list[InputError]]]


class _Reader:
    """Walks the nested data, turning modules into records and problems into errors."""

    def __init__(self, file: str, include: Include | None = None) -> None:
        self.file = file
        self.errors: list[InputError] = []
        self.include = include

    def error(self, message: str, row: int | None, field: str) -> None:
        self.errors.append(InputError(message, file=self.file, row=row, field=field))

    def mapping(self, value: Any, path: str, keys: tuple[str, ...], row: int | None) -> bool:
        """Check `value` is a mapping whose keys are not misspellings of expected ones."""
        if not isinstance(value, dict):
            self.error(f"expected a mapping with keys {', '.join(keys)}", row, path or "(top)")
            return False
        for key in value:
            if key == LINE_KEY or key in keys:
                continue
            guess = closest(str(key), list(keys))
            if guess and guess not in value:
                message = f"unknown key {key!r}; did you mean {guess!r}?"
                self.error(message, _line(value), f"{path}.{key}" if path else str(key))
        return True

    def text(self, owner: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
        value = owner.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error("missing or empty value", _line(owner), f"{path}{key}")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.error(f"expected text, got {type(value).__name__}", _line(owner), path + key)
            return None
        return str(value).strip()

    def credits(self, module: dict[str, Any], path: str) -> float | None:
        value = module.get("credits")
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return None if value is None else float(value)
        self.error(f"credits {value!r} is not a number", _line(module), path + "credits")
        return None

    def outcomes(self, module: dict[str, Any], path: str) -> list[OutcomeBlock]:
        value = module.get("outcomes")
        where = path + "outcomes"
        if isinstance(value, str):
            return [OutcomeBlock(value, where)]
        if not isinstance(value, list) or not value:
            self.error("expected a list of outcomes or one text block", _line(module), where)
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                found.append(OutcomeBlock(item, f"{where}[{i}]"))
            else:
                self.error(f"expected text, got {type(item).__name__}", _line(module), where)
        return found


def _line(value: Any) -> int | None:
    return value.get(LINE_KEY) if isinstance(value, dict) else None


def read_nested(
    data: Any, file: str, include: Include | None = None
) -> tuple[list[ModuleRecord], dict[str, str], list[InputError]]:
    """Module records, catalogue-wide values (name, institution, version, lang) and errors.

    A module given as a string is a relative path to a module file, read by `include`.
    """
    reader = _Reader(file, include)
    if not reader.mapping(data, "", CATALOGUE_KEYS, 1):
        return [], {}, reader.errors
    meta = {
        k: v
        for k in ("name", "institution", "version", "lang")
        if (v := reader.text(data, k, "", required=False))
    }
    programmes = data.get("programmes")
    if not isinstance(programmes, list) or not programmes:
        reader.error("expected a non-empty list of programmes", _line(data), "programmes")
        return [], meta, reader.errors
    records: list[ModuleRecord] = []
    for p, programme in enumerate(programmes):
        records.extend(_programme(reader, programme, f"programmes[{p}].", meta.get("lang")))
    return records, meta, reader.errors


def _programme(reader: _Reader, programme: Any, path: str, lang: str | None) -> list[ModuleRecord]:
    if not reader.mapping(programme, path.rstrip("."), PROGRAMME_KEYS, None):
        return []
    code = reader.text(programme, "code", path, required=True)
    title = reader.text(programme, "title", path, required=False) or ""
    modules = programme.get("modules")
    if not isinstance(modules, list) or not modules:
        reader.error("expected a non-empty list of modules", _line(programme), path + "modules")
        return []
    if code is None:
        return []
    base = ModuleRecord(
        row=None,
        programme_code=code,
        programme_title=title,
        module_code="",
        module_title="",
        outcomes=[],
        programme_level=reader.text(programme, "level", path, required=False),
        programme_lang=reader.text(programme, "lang", path, required=False) or lang,
    )
    records = []
    for m, module in enumerate(modules):
        if isinstance(module, str):
            record = _included(reader, module, base, f"{path}modules[{m}]")
        else:
            record = _module(reader, module, f"{path}modules[{m}].", base, path + "title")
        if record is not None:
            records.append(record)
    return records


def _included(reader: _Reader, ref: str, base: ModuleRecord, where: str) -> ModuleRecord | None:
    if reader.include is None:
        reader.error("module files are not supported here", None, where)
        return None
    record, errors = reader.include(ref, base, where)
    reader.errors.extend(errors)
    return record


def _module(
    reader: _Reader, module: Any, path: str, base: ModuleRecord, programme_title_field: str
) -> ModuleRecord | None:
    if not reader.mapping(module, path.rstrip("."), MODULE_KEYS, None):
        return None
    code = reader.text(module, "code", path, required=True)
    title = reader.text(module, "title", path, required=False) or ""
    outcomes = reader.outcomes(module, path)
    credits = reader.credits(module, path)
    if code is None:
        return None
    return ModuleRecord(
        row=_line(module),
        programme_code=base.programme_code,
        programme_title=base.programme_title,
        module_code=code,
        module_title=title,
        outcomes=outcomes,
        programme_level=base.programme_level,
        programme_lang=base.programme_lang,
        credits=credits,
        level=reader.text(module, "level", path, required=False),
        lang=reader.text(module, "lang", path, required=False),
        title_fields=(programme_title_field, path + "title"),
    )
