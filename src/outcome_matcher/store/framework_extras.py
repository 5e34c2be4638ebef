"""Competency texts and level scales, units and standard levels: write, read, compare editions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_matcher.schemas import (
    Competency,
    CompetencyText,
    CompetencyTextKind,
    Framework,
    Standard,
    Unit,
)
from outcome_matcher.store.base import bulk_insert, chunks
from outcome_matcher.store.framework_rows import competency_from_row
from outcome_matcher.store.tables import CompetencyRow, table_of
from outcome_matcher.store.tables_profstandard import (
    CompetencyScaleRow,
    CompetencyTextRow,
    StandardLevelRow,
    UnitRow,
)

_UNIT_LISTS = ("job_titles", "education", "experience", "conditions", "isco_codes")


def _competency_ids(session: Session, framework_id: int) -> dict[str, int]:
    stmt = select(CompetencyRow.uri, CompetencyRow.id).where(
        CompetencyRow.framework_id == framework_id
    )
    return {uri: row_id for uri, row_id in session.execute(stmt)}


def insert_competency_extras(session: Session, framework_id: int, fw: Framework) -> None:
    """Texts and level scales of the framework's just-inserted competencies."""
    if not any(c.texts or c.level_scale for c in fw.competencies):
        return  # ESCO and O*NET: skip the id lookup over 14,000 rows
    ids = _competency_ids(session, framework_id)
    texts = [
        {"competency_id": ids[c.id], "position": i, "kind": t.kind, "text": t.text}
        for c in fw.competencies
        for i, t in enumerate(c.texts)
    ]
    bulk_insert(session, table_of(CompetencyTextRow), texts)
    scales = [
        {"competency_id": ids[c.id], "level_scale": c.level_scale}
        for c in fw.competencies
        if c.level_scale
    ]
    bulk_insert(session, table_of(CompetencyScaleRow), scales)


def _unit_values(standard_id: int, position: int, u: Unit) -> dict[str, Any]:
    values = u.model_dump(exclude={"id", *_UNIT_LISTS})
    lists = {name: list(getattr(u, name)) for name in _UNIT_LISTS}
    return {"standard_id": standard_id, "position": position, "key": u.id, **values, **lists}


def insert_standard_extras(
    session: Session, standard_ids: Sequence[int], standards: Sequence[Standard]
) -> None:
    """Units and own levels of the just-inserted standards (ids in the same order)."""
    pairs = list(zip(standard_ids, standards, strict=True))
    units = [_unit_values(sid, i, u) for sid, s in pairs for i, u in enumerate(s.units)]
    bulk_insert(session, table_of(UnitRow), units)
    levels = [
        {"standard_id": sid, "level": s.level, "level_scale": s.level_scale}
        for sid, s in pairs
        if s.level or s.level_scale
    ]
    bulk_insert(session, table_of(StandardLevelRow), levels)


def _texts_by_competency(
    session: Session, row_ids: Sequence[int]
) -> dict[int, list[CompetencyText]]:
    found: dict[int, list[CompetencyText]] = defaultdict(list)
    for part in chunks(row_ids):
        stmt = (
            select(CompetencyTextRow.competency_id, CompetencyTextRow.kind, CompetencyTextRow.text)
            .where(CompetencyTextRow.competency_id.in_(part))
            .order_by(CompetencyTextRow.competency_id, CompetencyTextRow.position)
        )
        for cid, kind, text in session.execute(stmt):
            # Written from a validated CompetencyText, so `kind` is one of the literals.
            found[cid].append(CompetencyText(kind=cast(CompetencyTextKind, kind), text=text))
    return found


def _scales(session: Session, row_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for part in chunks(row_ids):
        stmt = select(CompetencyScaleRow.competency_id, CompetencyScaleRow.level_scale)
        rows = session.execute(stmt.where(CompetencyScaleRow.competency_id.in_(part)))
        found.update((cid, scale) for cid, scale in rows)
    return found


def competencies_from_rows(session: Session, rows: Sequence[CompetencyRow]) -> list[Competency]:
    """Competencies with their typed texts and level scales."""
    row_ids = [r.id for r in rows]
    texts, scales = _texts_by_competency(session, row_ids), _scales(session, row_ids)
    plain = [competency_from_row(r) for r in rows]
    if not texts and not scales:
        return plain
    return [
        c.model_copy(update={"texts": tuple(texts.get(r.id, ())), "level_scale": scales.get(r.id)})
        for r, c in zip(rows, plain, strict=True)
    ]


def _unit_from_row(row: UnitRow) -> Unit:
    lists = {name: tuple(getattr(row, name)) for name in _UNIT_LISTS}
    return Unit(
        id=row.key,
        label=row.label,
        level=row.level,
        level_scale=row.level_scale,
        parent=row.parent,
        isco_edition=row.isco_edition,
        description=row.description,
        **lists,
    )


def standard_extras(session: Session, standard_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """standard row id -> {"units": ..., "level": ..., "level_scale": ...} to update a Standard."""
    extras: dict[int, dict[str, Any]] = {sid: {} for sid in standard_ids}
    units: dict[int, list[Unit]] = defaultdict(list)
    for part in chunks(list(standard_ids)):
        stmt = select(UnitRow).where(UnitRow.standard_id.in_(part))
        for row in session.scalars(stmt.order_by(UnitRow.standard_id, UnitRow.position)):
            units[row.standard_id].append(_unit_from_row(row))
        for lv in session.scalars(
            select(StandardLevelRow).where(StandardLevelRow.standard_id.in_(part))
        ):
            extras[lv.standard_id].update(level=lv.level, level_scale=lv.level_scale)
    for sid, found in units.items():
        extras[sid]["units"] = tuple(found)
    return extras


def old_extras(session: Session, framework_id: int) -> dict[str, tuple[Any, ...]]:
    """uri -> (level, texts) of a stored edition, to compare with the next one."""
    stmt = select(CompetencyRow.id, CompetencyRow.uri, CompetencyRow.level)
    rows = list(session.execute(stmt.where(CompetencyRow.framework_id == framework_id)))
    texts = _texts_by_competency(session, [row_id for row_id, _, _ in rows])
    return {uri: (level, tuple(texts.get(row_id, ()))) for row_id, uri, level in rows}


def changed_extras(
    old: dict[str, tuple[Any, ...]], new: Sequence[Competency], version: str
) -> dict[str, str]:
    """uri -> why its decisions need re-review, for competencies whose level or texts changed."""
    version = version or "(unversioned)"
    reasons: dict[str, str] = {}
    for c in new:
        if c.id not in old:
            continue
        level, texts = old[c.id]
        if level != c.level:
            reasons[c.id] = (
                f"competency level changed ({level} -> {c.level}) in framework version {version}"
            )
        elif texts != c.texts:
            reasons[c.id] = f"competency texts changed in framework version {version}"
    return reasons
