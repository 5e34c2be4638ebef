"""Occupational-standard records (from XML or tables) -> Framework, at either grain."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.levels import Level
from outcome_matcher.schemas import (
    Competency,
    CompetencyText,
    CompetencyType,
    Framework,
    FrameworkFormat,
    Requirement,
    Standard,
    Unit,
    normalise_text,
)

Grain = Literal["function", "item"]
GRAINS: tuple[Grain, ...] = ("function", "item")
_ITEM_TYPE: dict[str, CompetencyType] = {
    "labour_action": "skill",
    "skill": "skill",
    "knowledge": "knowledge",
}
# Cyrillic capitals that editors type for Latin ones in codes ("А/01.3" for "A/01.3").
_LOOKALIKES = str.maketrans("АВСЕНКМОРТХ", "ABCEHKMOPTX")


@dataclass(frozen=True)
class FunctionRecord:
    """A work function (ТФ) with its typed texts."""

    code: str
    name: str
    level: Level
    texts: tuple[CompetencyText, ...]


@dataclass(frozen=True)
class UnitRecord:
    """A generalised work function (ОТФ) and its work functions."""

    code: str
    name: str
    level: Level
    functions: tuple[FunctionRecord, ...]
    job_titles: tuple[str, ...] = ()
    education: tuple[str, ...] = ()
    experience: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    isco_codes: tuple[str, ...] = ()
    isco_edition: str | None = None
    other: tuple[str, ...] = ()


@dataclass(frozen=True)
class StandardRecord:
    """A professional standard: its code, name, description, ОТФ, and where it came from."""

    code: str
    name: str
    description: str
    units: tuple[UnitRecord, ...]
    source: str
    version: str = ""


def code_key(code: str) -> str:
    """A code as ids use it: no spaces, Latin letters for Cyrillic look-alikes."""
    return "".join(code.split()).translate(_LOOKALIKES)


def function_key(unit_code: str, function_code: str) -> str:
    """The ТФ code with its ОТФ letter: "A/01.3" (tables may give just "01.3")."""
    unit, function = code_key(unit_code), code_key(function_code)
    return function if function.startswith(unit + "/") else f"{unit}/{function}"


def code_mismatch(unit_code: str, function_code: str) -> str | None:
    """Why a ТФ code cannot belong to its ОТФ ("B/01.5" under "A"), or None when it can."""
    unit, function = code_key(unit_code), code_key(function_code)
    if "/" in function and function.split("/", 1)[0] != unit:
        return f"work function code {function_code} does not belong to unit {unit_code}"
    return None


def function_id(standard_code: str, unit_code: str, function_code: str) -> str:
    """Stable competency id of a ТФ, e.g. "ps:06.001:A/01.3"; the same in every edition that
    keeps the code."""
    return f"ps:{code_key(standard_code)}:{function_key(unit_code, function_code)}"


def item_id(function: str, text: CompetencyText) -> str:
    """Stable id of one skill / knowledge item / labour action: its ТФ id, kind and text."""
    digest = hashlib.sha1(normalise_text(text.text).encode("utf-8")).hexdigest()[:12]
    return f"{function}:{text.kind}:{digest}"


def unit_id(standard_code: str, unit_code: str) -> str:
    """Id of an ОТФ unit and of its own standard, e.g. "06.001/A"."""
    return f"{code_key(standard_code)}/{code_key(unit_code)}"


def _unit(record: StandardRecord, u: UnitRecord) -> Unit:
    return Unit(
        id=unit_id(record.code, u.code),
        label=u.name,
        level=u.level.text,
        level_scale=u.level.scale,
        job_titles=u.job_titles,
        education=u.education,
        experience=u.experience,
        conditions=u.conditions,
        isco_codes=u.isco_codes,
        isco_edition=u.isco_edition,
        description="\n".join(u.other),
    )


def _function_unit(record: StandardRecord, u: UnitRecord, f: FunctionRecord) -> Unit:
    """At the item grain a ТФ is the unit of its items; its ОТФ is the unit's parent."""
    other = "\n".join(t.text for t in f.texts if t.kind == "other")
    return Unit(
        id=f"{code_key(record.code)}/{function_key(u.code, f.code)}",
        label=f.name,
        level=f.level.text,
        level_scale=f.level.scale,
        parent=unit_id(record.code, u.code),
        description=other,
    )


def _function_competency(
    record: StandardRecord, u: UnitRecord, f: FunctionRecord, lang: str
) -> Competency:
    return Competency(
        id=function_id(record.code, u.code, f.code),
        label=f.name,
        type="competence",
        level=f.level.text,
        level_scale=f.level.scale,
        unit=unit_id(record.code, u.code),
        lang=lang,
        texts=f.texts,
    )


def _item_competencies(
    record: StandardRecord, u: UnitRecord, f: FunctionRecord, lang: str
) -> list[Competency]:
    parent = function_id(record.code, u.code, f.code)
    items = {item_id(parent, t): t for t in f.texts if t.kind in _ITEM_TYPE}
    return [
        Competency(
            id=key,
            label=t.text,
            type=_ITEM_TYPE[t.kind],
            level=f.level.text,
            level_scale=f.level.scale,
            unit=_function_unit(record, u, f).id,
            lang=lang,
            texts=(t,),
        )
        for key, t in items.items()
    ]


def _unit_parts(
    record: StandardRecord, u: UnitRecord, grain: Grain, lang: str
) -> tuple[list[Competency], list[Requirement], list[Unit]]:
    """The competencies, requirements and units one ОТФ contributes."""
    comps: list[Competency] = []
    units = [_unit(record, u)]
    for f in u.functions:
        if grain == "function":
            comps.append(_function_competency(record, u, f, lang))
        else:
            comps += _item_competencies(record, u, f, lang)
            units.append(_function_unit(record, u, f))
    reqs = [Requirement(competency_id=c.id, unit=c.unit) for c in comps]
    return comps, reqs, units


def _standards(
    record: StandardRecord, grain: Grain, lang: str
) -> tuple[list[Competency], list[Standard]]:
    """The standard itself and one standard per ОТФ (audited on its own, at its level)."""
    comps: list[Competency] = []
    reqs: list[Requirement] = []
    units: list[Unit] = []
    per_unit: list[Standard] = []
    for u in record.units:
        u_comps, u_reqs, u_units = _unit_parts(record, u, grain, lang)
        comps, reqs, units = comps + u_comps, reqs + u_reqs, units + u_units
        per_unit.append(
            Standard(
                id=unit_id(record.code, u.code),
                label=f"{record.name}: {u.name}",
                description=record.description,
                requirements=tuple(u_reqs),
                units=tuple(u_units),
                level=u.level.text,
                level_scale=u.level.scale,
            )
        )
    whole = Standard(
        id=code_key(record.code),
        label=record.name,
        description=record.description,
        requirements=tuple(reqs),
        units=tuple(units),
    )
    return comps, [whole, *per_unit]


def _duplicates(records: list[StandardRecord]) -> list[InputError]:
    seen: dict[str, str] = {}
    problems: list[InputError] = []
    for r in records:
        key = code_key(r.code)
        if key in seen:
            problems.append(
                InputError(f"standard {key} is also in {seen[key]}", file=r.source, field="code")
            )
        seen.setdefault(key, r.source)
        codes = [function_key(u.code, f.code) for u in r.units for f in u.functions]
        problems += [
            InputError(f"standard {key}: work function {c} appears twice", file=r.source)
            for c in sorted({c for c in codes if codes.count(c) > 1})
        ]
    return problems


def build_framework(
    records: list[StandardRecord],
    *,
    name: str,
    format: FrameworkFormat,
    source: str,
    version: str | None = None,
    grain: Grain = "function",
    lang: str = "ru",
) -> Framework:
    """One framework over `records`: a competency per ТФ (grain "function") or per labour
    action, skill and knowledge item (grain "item"); a standard per record and per ОТФ."""
    if grain not in GRAINS:
        raise InputError(f"unknown grain {grain!r} (use 'function' or 'item')", field="grain")
    problems = _duplicates(records)
    if problems:
        raise InputErrors(problems, file=source)
    comps: list[Competency] = []
    standards: list[Standard] = []
    for record in records:
        r_comps, r_standards = _standards(record, grain, lang)
        comps += r_comps
        standards += r_standards
    if version is None:
        version = records[0].version if len(records) == 1 else ""
    return Framework(
        name=name,
        version=version,
        format=format,
        source=source,
        competencies=tuple(comps),
        standards=tuple(standards),
    )
