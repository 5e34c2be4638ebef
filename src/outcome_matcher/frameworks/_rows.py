"""Validation of generic-format rows into competencies and standards, collecting every error."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks._io import BAD_BYTES
from outcome_matcher.schemas import Competency, CompetencyType, Requirement, Standard

REQUIRED = ("id", "label")
OPTIONAL = (
    "alt_labels",
    "description",
    "type",
    "unit",
    "level",
    "lang",
    "standard",
    "essential",
)
COLUMNS = REQUIRED + OPTIONAL
MAX_LABEL_CHARS = 2000
TYPES: tuple[CompetencyType, ...] = ("knowledge", "skill", "competence")
# Names people use for our columns, offered as suggestions only (never mapped silently).
_SYNONYMS = {
    "code": "id",
    "uri": "id",
    "identifier": "id",
    "name": "label",
    "title": "label",
    "preferred_label": "label",
    "statement": "label",
    "synonyms": "alt_labels",
    "language": "lang",
    "skill_type": "type",
    "required": "essential",
}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_SPLIT = re.compile(r"\s*[|\r\n]+\s*")
_COLUMN_SEPARATORS = re.compile(r"[\s\-]+")


def column_key(name: str) -> str:
    """Canonical column name: case, spaces and hyphens do not matter ('Alt labels')."""
    return _COLUMN_SEPARATORS.sub("_", name.strip().lower())


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The known column an unknown name most likely meant, if any."""
    pool = list(candidates)
    if _SYNONYMS.get(name) in pool:
        return _SYNONYMS[name]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return close[0] if close else None


def check_columns(
    names: Iterable[str], *, file: str, row: int, noun: str = "column"
) -> list[InputError]:
    """Missing required columns and unknown columns that look like a misnamed known one."""
    present = [column_key(n) for n in names]
    unknown = [n for n in present if n not in COLUMNS]
    errors = [
        InputError(f"{noun} {name!r} appears more than once", file=file, row=row, field=name)
        for name in dict.fromkeys(n for n in present if n and present.count(n) > 1)
    ]
    for column in REQUIRED:
        if column not in present:
            hint = next((u for u in unknown if suggest(u, [column])), None)
            message = f"missing required {noun} {column!r}"
            if hint:
                message += f"; rename {hint!r} to {column!r}?"
                unknown.remove(hint)
            errors.append(InputError(message, file=file, row=row, field=column))
    for name in unknown:
        meant = suggest(name, [c for c in OPTIONAL if c not in present])
        if meant:
            message = f"unknown {noun} {name!r}; did you mean {meant!r}?"
            errors.append(InputError(message, file=file, row=row, field=name))
    return errors


@dataclass
class RowChecker:
    """Turns rows into competencies and standards; problems go to `errors`, not exceptions."""

    file: str
    errors: list[InputError] = field(default_factory=list)
    competencies: dict[str, Competency] = field(default_factory=dict)
    standards: dict[str, list[Requirement]] = field(default_factory=dict)
    _first_row: dict[str, int] = field(default_factory=dict)

    def add(self, row: int, record: Mapping[str, object]) -> None:
        """Validate one row (keys already canonical) and keep it if it has no problems."""
        before = len(self.errors)
        scalars = [c for c in COLUMNS if c not in ("alt_labels", "standard", "essential")]
        values = {key: self._text(row, key, record.get(key)) for key in scalars}
        alt_labels = self._labels(row, "alt_labels", record.get("alt_labels"))
        standards = self._labels(row, "standard", record.get("standard"))
        essential = self._essential(row, record.get("essential"))
        competency_type = self._type(row, values["type"])
        self._check_id_and_label(row, values["id"], values["label"])
        if len(self.errors) > before:
            return
        competency = Competency(
            id=values["id"],
            label=values["label"],
            alt_labels=tuple(a for a in alt_labels if a != values["label"]),
            description=values["description"],
            type=competency_type,
            unit=values["unit"] or None,
            level=values["level"] or None,
            lang=values["lang"] or "en",
        )
        self.competencies[competency.id] = competency
        for standard in standards:
            requirement = Requirement(
                competency_id=competency.id, essential=essential, unit=competency.unit
            )
            self.standards.setdefault(standard, []).append(requirement)

    def standard_list(self) -> tuple[Standard, ...]:
        """Standards in order of first mention; each standard's name is its id and label."""
        return tuple(
            Standard(id=name, label=name, requirements=tuple(requirements))
            for name, requirements in self.standards.items()
        )

    def _error(self, row: int, field_name: str, message: str) -> None:
        self.errors.append(InputError(message, file=self.file, row=row, field=field_name))

    def _text(self, row: int, field_name: str, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self._error(row, field_name, f"expected text, got {type(value).__name__}")
            return ""
        text = str(value).strip()
        if BAD_BYTES.search(text):
            self._error(row, field_name, "invalid UTF-8 (save the file as UTF-8)")
            # Keep a placeholder so the same cell is not also reported as empty.
            return BAD_BYTES.sub("\ufffd", text)
        return text

    def _labels(self, row: int, field_name: str, value: object) -> tuple[str, ...]:
        """A list, or text split on '|' and newlines; each label checked like `label`."""
        items = value if isinstance(value, list) else [value]
        parts = [
            part
            for item in items
            for part in _SPLIT.split(self._text(row, field_name, item))
            if part
        ]
        for part in parts:
            if len(part) > MAX_LABEL_CHARS:
                self._error(row, field_name, f"label longer than {MAX_LABEL_CHARS} characters")
        return tuple(dict.fromkeys(parts))

    def _essential(self, row: int, value: object) -> bool:
        if isinstance(value, bool):
            return value
        text = self._text(row, "essential", value).lower()
        if text in _TRUE or not text:
            return True
        if text not in _FALSE:
            self._error(row, "essential", f"invalid value {text!r}; use true/false, yes/no or 1/0")
        return False

    def _type(self, row: int, text: str) -> CompetencyType | None:
        key = text.lower()
        for allowed in TYPES:
            if key == allowed:
                return allowed
        if key:
            self._error(row, "type", f"invalid type {text!r}; expected one of {', '.join(TYPES)}")
        return None

    def _check_id_and_label(self, row: int, competency_id: str, label: str) -> None:
        if not competency_id:
            self._error(row, "id", "empty id")
        elif competency_id in self._first_row:
            first = self._first_row[competency_id]
            self._error(row, "id", f"duplicate id {competency_id!r} (first in row {first})")
        else:
            self._first_row[competency_id] = row
        if not label:
            self._error(row, "label", "empty label")
        elif len(label) > MAX_LABEL_CHARS:
            self._error(row, "label", f"label longer than {MAX_LABEL_CHARS} characters")
