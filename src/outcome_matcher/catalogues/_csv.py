"""Flat CSV catalogues: one row per module (a block of outcomes) or per outcome."""

from __future__ import annotations

from collections.abc import Iterator

from outcome_matcher.catalogues._build import ModuleRecord, OutcomeBlock
from outcome_matcher.catalogues._read import canonical_column, closest, csv_records
from outcome_matcher.errors import InputError

REQUIRED_COLUMNS = ("programme_code", "programme_title", "module_code", "module_title", "outcomes")
OPTIONAL_COLUMNS = (
    "credits",
    "level",
    "programme_level",
    "lang",
    "catalogue",
    "institution",
    "version",
)
_ALIASES = {"outcome": "outcomes"}


def _columns(header: list[str], file: str) -> tuple[dict[str, int], list[InputError]]:
    """Map expected column names to positions; misnamed or missing ones become errors."""
    expected = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, raw in enumerate(header):
        name = canonical_column(raw)
        name = _ALIASES.get(name, name)
        if name in expected and name not in positions:
            positions[name] = i
        elif name:
            unknown.append(raw)
    errors = []
    for raw in unknown:
        guess = closest(canonical_column(raw), expected)
        if guess and guess not in positions:
            message = f"unknown column {raw!r}; did you mean {guess!r}?"
            errors.append(InputError(message, file=file, row=1, field=raw))
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            guess = next((r for r in unknown if closest(canonical_column(r), [name])), None)
            hint = f" (is {guess!r} meant to be it?)" if guess else ""
            message = f"missing column {name!r}{hint}; expected columns: {', '.join(expected)}"
            errors.append(InputError(message, file=file, row=1, field=name))
    return positions, errors


def _credits(value: str, row: int, file: str) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        message = f"credits {value!r} is not a number"
        raise InputError(message, file=file, row=row, field="credits") from None


def read_csv(text: str, file: str) -> tuple[list[ModuleRecord], dict[str, str], list[InputError]]:
    """Module records, catalogue-wide values (catalogue, institution) and the row errors."""
    records_iter = csv_records(text)
    header = next(records_iter, (1, []))[1]
    positions, errors = _columns(header, file)
    if errors:
        return [], {}, errors
    records: list[ModuleRecord] = []
    meta: dict[str, str] = {}
    for row, cells in _data_rows(records_iter):
        value = {name: _cell(cells, i) for name, i in positions.items()}
        missing = [c for c in ("programme_code", "module_code") if not value[c]]
        for name in missing:
            errors.append(InputError("empty value", file=file, row=row, field=name))
        try:
            credits = _credits(value.get("credits", ""), row, file)
        except InputError as exc:
            errors.append(exc)
            continue
        if missing:
            continue
        for key in ("catalogue", "institution", "version"):
            if value.get(key):
                meta.setdefault(key, value[key])
        records.append(_record(value, row, credits))
    return records, meta, errors


def _data_rows(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    return ((row, cells) for row, cells in records if any(c.strip() for c in cells))


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _record(value: dict[str, str], row: int, credits: float | None) -> ModuleRecord:
    return ModuleRecord(
        row=row,
        programme_code=value["programme_code"],
        programme_title=value["programme_title"],
        module_code=value["module_code"],
        module_title=value["module_title"],
        outcomes=[OutcomeBlock(value["outcomes"], "outcomes")],
        programme_level=value.get("programme_level") or None,
        credits=credits,
        level=value.get("level") or None,
        lang=value.get("lang") or None,
    )
