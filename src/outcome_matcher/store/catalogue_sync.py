"""Catalogue re-import as a diff: insert the new, update the changed, mark the vanished removed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.schemas import Catalogue
from outcome_matcher.store.base import chunks
from outcome_matcher.store.public import ImportCounts
from outcome_matcher.store.tables import Base, ModuleRow, OutcomeRow, ProgrammeRow, table_of

Key = tuple[int, str]  # (parent row id, code or outcome key)
Values = dict[str, Any]

PROGRAMME_FIELDS = ("title", "level", "lang", "position")
MODULE_FIELDS = ("title", "credits", "level", "lang", "position")
OUTCOME_FIELDS = ("text", "lang", "bloom_level", "position", "kind")


def validate_catalogue(cat: Catalogue) -> None:
    """Reject duplicate programme codes, module codes and outcome ids, all at once."""
    problems: list[InputError] = []

    def dupes(what: str, where: str, names: list[str]) -> None:
        for name, n in Counter(names).items():
            if n > 1:
                problems.append(InputError(f"{what} {name!r} appears {n} times{where}"))

    dupes("programme", "", [p.code for p in cat.programmes])
    for p in cat.programmes:
        dupes("module", f" in programme {p.code!r}", [m.code for m in p.modules])
        for m in p.modules:
            dupes("outcome", f" in module {p.code}/{m.code}", [o.id for o in m.outcomes])
    if problems:
        raise InputErrors(problems, file=cat.name)


def load_existing(
    session: Session, model: type[Base], parent: str, key: str, fields: tuple[str, ...], *where: Any
) -> dict[Key, Values]:
    """Current rows of one level, keyed by (parent id, key)."""
    cols = [getattr(model, c) for c in ("id", parent, key, "status", *fields)]
    stmt = select(*cols)
    for clause in where:
        stmt = stmt.where(clause)
    return {(m[parent], m[key]): dict(m) for m in session.execute(stmt).mappings()}


def sync_level(
    session: Session,
    model: type[Base],
    fields: tuple[str, ...],
    existing: Mapping[Key, Values],
    incoming: Mapping[Key, Values],
) -> tuple[dict[Key, int], ImportCounts, list[Key]]:
    """Apply one level's diff; returns ids of the present rows, counts and removed keys."""
    ids: dict[Key, int] = {}
    new: list[tuple[Key, Values]] = []
    changed: list[Values] = []
    unchanged = restored = 0
    for k, values in incoming.items():
        old = existing.get(k)
        if old is None:
            new.append((k, values))
            continue
        ids[k] = old["id"]
        if old["status"] != "active":
            restored += 1
            changed.append({"id": old["id"], "status": "active", **_fields(values, fields)})
        elif any(old[f] != values[f] for f in fields):
            changed.append({"id": old["id"], **_fields(values, fields)})
        else:
            unchanged += 1
    removed = [k for k, old in existing.items() if k not in incoming and old["status"] == "active"]
    table_id = table_of(model).c.id
    for part in chunks([existing[k]["id"] for k in removed]):
        session.execute(update(model).where(table_id.in_(part)).values(status="removed"))
    if changed:
        session.execute(update(model), changed)  # ORM bulk UPDATE by primary key
    if new:
        stmt = insert(model).returning(table_id, sort_by_parameter_order=True)
        new_ids = session.scalars(stmt, [{**v, "status": "active"} for _, v in new]).all()
        ids.update({k: i for (k, _), i in zip(new, new_ids, strict=True)})
    counts = ImportCounts(
        added=len(new) + restored,
        updated=len(changed) - restored,
        unchanged=unchanged,
        removed=len(removed),
    )
    return ids, counts, removed


def _fields(values: Values, fields: tuple[str, ...]) -> Values:
    return {f: values[f] for f in fields}


def sync_catalogue(
    session: Session, catalogue_id: int, cat: Catalogue
) -> tuple[dict[str, ImportCounts], list[Key], list[int]]:
    """Sync all three levels; returns counts, removed outcome keys and removed module ids."""
    p_in: dict[Key, Values] = {
        (catalogue_id, p.code): {
            "catalogue_id": catalogue_id,
            "code": p.code,
            "title": p.title,
            "level": p.level,
            "lang": p.lang,
            "position": i,
        }
        for i, p in enumerate(cat.programmes)
    }
    p_old = load_existing(
        session,
        ProgrammeRow,
        "catalogue_id",
        "code",
        PROGRAMME_FIELDS,
        ProgrammeRow.catalogue_id == catalogue_id,
    )
    p_ids, p_counts, _ = sync_level(session, ProgrammeRow, PROGRAMME_FIELDS, p_old, p_in)

    m_in: dict[Key, Values] = {}
    for p in cat.programmes:
        pid = p_ids[(catalogue_id, p.code)]
        for i, m in enumerate(p.modules):
            m_in[(pid, m.code)] = {
                "programme_id": pid,
                "code": m.code,
                "title": m.title,
                "credits": m.credits,
                "level": m.level,
                "lang": m.lang,
                "position": i,
            }
    in_catalogue = ProgrammeRow.catalogue_id == catalogue_id
    m_old = load_existing(
        session,
        ModuleRow,
        "programme_id",
        "code",
        MODULE_FIELDS,
        ModuleRow.programme_id.in_(select(ProgrammeRow.id).where(in_catalogue)),
    )
    m_ids, m_counts, m_removed = sync_level(session, ModuleRow, MODULE_FIELDS, m_old, m_in)

    o_in: dict[Key, Values] = {}
    for p in cat.programmes:
        pid = p_ids[(catalogue_id, p.code)]
        for m in p.modules:
            mid = m_ids[(pid, m.code)]
            for o in m.outcomes:
                o_in[(mid, o.id)] = {
                    "module_id": mid,
                    "key": o.id,
                    "text": o.text,
                    "lang": o.lang,
                    "bloom_level": o.bloom_level,
                    "position": o.position,
                    "kind": o.kind,
                }
    modules_of_catalogue = (
        select(ModuleRow.id).join(ProgrammeRow, ModuleRow.programme_id == ProgrammeRow.id)
    ).where(in_catalogue)
    o_old = load_existing(
        session,
        OutcomeRow,
        "module_id",
        "key",
        OUTCOME_FIELDS,
        OutcomeRow.module_id.in_(modules_of_catalogue),
    )
    _, o_counts, o_removed = sync_level(session, OutcomeRow, OUTCOME_FIELDS, o_old, o_in)
    counts = {"programmes": p_counts, "modules": m_counts, "outcomes": o_counts}
    return counts, o_removed, [m_old[k]["id"] for k in m_removed]
