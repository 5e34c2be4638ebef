"""Catalogue repository: idempotent (re-)import, removal, programme and outcome queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session

from outcome_matcher.errors import ConflictError, InputError, NotFoundError
from outcome_matcher.schemas import Catalogue, Module, Outcome, OutcomeKind, Programme
from outcome_matcher.store.base import StoreBase, audit, chunks, missing_message
from outcome_matcher.store.catalogue_sync import Key, sync_catalogue, validate_catalogue
from outcome_matcher.store.flags import current_rows, flag_decisions
from outcome_matcher.store.lookup import catalogue_row, programme_row
from outcome_matcher.store.public import (
    CatalogueImport,
    CatalogueInfo,
    OutcomeRef,
    ProgrammeInfo,
    Status,
)
from outcome_matcher.store.tables import (
    CatalogueRow,
    DecisionRow,
    ModuleRow,
    OutcomeRow,
    ProgrammeRow,
    utcnow,
)

_RefRow = tuple[str, str, str | None, int | None, str | None, str, str, str, str, str]


def _outcome_refs() -> Select[*_RefRow]:
    return (
        select(
            OutcomeRow.key,
            OutcomeRow.text,
            OutcomeRow.lang,
            OutcomeRow.bloom_level,
            OutcomeRow.kind,
            OutcomeRow.status,
            ModuleRow.code,
            ModuleRow.title,
            ProgrammeRow.code,
            CatalogueRow.name,
        )
        .join(ModuleRow, OutcomeRow.module_id == ModuleRow.id)
        .join(ProgrammeRow, ModuleRow.programme_id == ProgrammeRow.id)
        .join(CatalogueRow, ProgrammeRow.catalogue_id == CatalogueRow.id)
    )


def _ref(row: Sequence[Any]) -> OutcomeRef:
    key, text, lang, bloom, kind, status, m_code, m_title, p_code, cat = row
    return OutcomeRef(
        outcome_id=key,
        text=text,
        lang=lang,
        bloom_level=bloom,
        kind=cast(OutcomeKind | None, kind),
        status=cast(Status, status),
        module_code=m_code,
        module_title=m_title,
        programme_code=p_code,
        catalogue=cat,
    )


def _flag_removed(session: Session, removed_outcomes: list[Key], removed_modules: list[int]) -> int:
    """Flag current decisions on removed modules or citing removed outcomes as evidence."""
    modules = {mid for mid, _ in removed_outcomes} | set(removed_modules)
    if not modules:
        return 0
    gone_outcomes = set(removed_outcomes)
    gone_modules = set(removed_modules)
    reasons: dict[int, str] = {}
    for part in chunks(sorted(modules)):
        for d_id, mid, _, evidence in current_rows(session, DecisionRow.module_id.in_(part)):
            if mid in gone_modules:
                reasons[d_id] = "module removed from the catalogue"
            elif evidence is not None and (mid, evidence) in gone_outcomes:
                reasons[d_id] = f"evidence outcome {evidence} removed from the module"
    return flag_decisions(session, reasons)


class CataloguesRepo(StoreBase):
    """Catalogues, programmes, modules and outcomes."""

    def add_catalogue(self, cat: Catalogue, *, actor: str = "system") -> CatalogueImport:
        """Import or re-import a catalogue in one transaction; vanished rows are marked removed."""
        validate_catalogue(cat)
        with self._write() as s:
            now = utcnow()
            row = s.scalar(select(CatalogueRow).where(CatalogueRow.name == cat.name))
            if row is None:
                row = CatalogueRow(name=cat.name, created=now, updated=now, institution="")
                s.add(row)
            row.institution, row.version, row.updated = cat.institution, cat.version, now
            s.flush()
            counts, removed_outcomes, removed_modules = sync_catalogue(s, row.id, cat)
            flagged = _flag_removed(s, removed_outcomes, removed_modules)
            result = CatalogueImport(catalogue=cat.name, flagged_decisions=flagged, **counts)
            audit(s, actor, "catalogue.import", "catalogue", cat.name, result.model_dump())
            return result

    def remove_catalogue(self, name: str, *, actor: str = "system") -> None:
        """Delete a catalogue with everything under it; refused while it has decisions.

        Decisions are the council's record and append-only by the database (migration 0009):
        a catalogue with decisions stays, its programmes can be re-imported or left inactive.
        """
        with self._write() as s:
            row = catalogue_row(s, name)
            n_decisions = s.scalar(
                select(func.count())
                .select_from(DecisionRow)
                .join(ModuleRow, DecisionRow.module_id == ModuleRow.id)
                .join(ProgrammeRow, ModuleRow.programme_id == ProgrammeRow.id)
                .where(ProgrammeRow.catalogue_id == row.id)
            )
            if n_decisions:
                raise ConflictError(
                    f"catalogue {name!r} has {n_decisions} review decision(s), which are an "
                    "append-only record: it cannot be removed",
                    catalogue=name,
                    decisions=n_decisions,
                )
            s.execute(delete(CatalogueRow).where(CatalogueRow.id == row.id))
            audit(s, actor, "catalogue.remove", "catalogue", name, {"decisions": 0})

    def list_catalogues(self) -> list[CatalogueInfo]:
        n_prog = (
            select(func.count())
            .where(ProgrammeRow.catalogue_id == CatalogueRow.id, ProgrammeRow.status == "active")
            .scalar_subquery()
        )
        with self._read() as s:
            rows = s.execute(select(CatalogueRow, n_prog).order_by(CatalogueRow.name))
            return [
                CatalogueInfo(
                    name=c.name,
                    institution=c.institution,
                    version=c.version,
                    n_programmes=n,
                    created=c.created,
                    updated=c.updated,
                )
                for c, n in rows
            ]

    def list_programmes(self, catalogue: str | None = None) -> list[ProgrammeInfo]:
        n_mod = (
            select(func.count())
            .where(ModuleRow.programme_id == ProgrammeRow.id, ModuleRow.status == "active")
            .scalar_subquery()
        )
        stmt = (
            select(ProgrammeRow, CatalogueRow.name, n_mod)
            .join(CatalogueRow, ProgrammeRow.catalogue_id == CatalogueRow.id)
            .where(ProgrammeRow.status == "active")
            .order_by(CatalogueRow.name, ProgrammeRow.position)
        )
        with self._read() as s:
            if catalogue is not None:
                catalogue_row(s, catalogue)
                stmt = stmt.where(CatalogueRow.name == catalogue)
            return [
                ProgrammeInfo(
                    catalogue=cat,
                    code=p.code,
                    title=p.title,
                    level=p.level,
                    lang=p.lang,
                    n_modules=n,
                )
                for p, cat, n in s.execute(stmt)
            ]

    def get_programme(self, code: str, catalogue: str | None = None) -> Programme:
        """The programme with its active modules and outcomes, in catalogue order."""
        with self._read() as s:
            prog, _ = programme_row(s, code, catalogue)
            modules = s.scalars(
                select(ModuleRow)
                .where(ModuleRow.programme_id == prog.id, ModuleRow.status == "active")
                .order_by(ModuleRow.position)
            ).all()
            outcomes: dict[int, list[Outcome]] = defaultdict(list)
            rows = s.scalars(
                select(OutcomeRow)
                .where(
                    OutcomeRow.module_id.in_([m.id for m in modules]),
                    OutcomeRow.status == "active",
                )
                .order_by(OutcomeRow.position, OutcomeRow.id)
            )
            for o in rows:
                outcomes[o.module_id].append(
                    Outcome(
                        id=o.key,
                        text=o.text,
                        lang=o.lang,
                        bloom_level=o.bloom_level,
                        position=o.position,
                        kind=cast(OutcomeKind | None, o.kind),
                    )
                )
            return Programme(
                code=prog.code,
                title=prog.title,
                level=prog.level,
                lang=prog.lang,
                modules=tuple(
                    Module(
                        code=m.code,
                        title=m.title,
                        credits=m.credits,
                        level=m.level,
                        lang=m.lang,
                        outcomes=tuple(outcomes[m.id]),
                    )
                    for m in modules
                ),
            )

    def get_outcomes(self, keys: Sequence[str], catalogue: str | None = None) -> list[OutcomeRef]:
        """Outcomes by key, in the order given; active ones win over removed namesakes."""
        unique = list(dict.fromkeys(keys))
        found: dict[str, list[OutcomeRef]] = defaultdict(list)
        with self._read() as s:
            for part in chunks(unique):
                stmt = _outcome_refs().where(OutcomeRow.key.in_(part))
                if catalogue is not None:
                    stmt = stmt.where(CatalogueRow.name == catalogue)
                for row in s.execute(stmt):
                    found[row[0]].append(_ref(row))
        missing = [k for k in unique if k not in found]
        if missing:
            raise NotFoundError(missing_message("outcome", missing), missing=missing)
        return [_pick(key, found[key]) for key in keys]

    def get_module_outcomes(
        self, programme_code: str, module_code: str, catalogue: str | None = None
    ) -> list[OutcomeRef]:
        """Active outcomes of one module, in order."""
        with self._read() as s:
            prog, _ = programme_row(s, programme_code, catalogue)
            module = s.scalar(
                select(ModuleRow.id).where(
                    ModuleRow.programme_id == prog.id,
                    ModuleRow.code == module_code,
                    ModuleRow.status == "active",
                )
            )
            if module is None:
                raise NotFoundError(
                    f"unknown module {module_code!r} in programme {programme_code!r}",
                    programme=programme_code,
                    module=module_code,
                )
            return _active_refs(s, OutcomeRow.module_id == module)

    def get_programme_outcomes(
        self, programme_code: str, catalogue: str | None = None
    ) -> list[OutcomeRef]:
        """Active outcomes of a programme's active modules, in module then outcome order."""
        with self._read() as s:
            prog, _ = programme_row(s, programme_code, catalogue)
            return _active_refs(s, ModuleRow.programme_id == prog.id)


def _active_refs(session: Session, where: ColumnElement[bool]) -> list[OutcomeRef]:
    stmt = (
        _outcome_refs()
        .where(where, ModuleRow.status == "active", OutcomeRow.status == "active")
        .order_by(ModuleRow.position, OutcomeRow.position, OutcomeRow.id)
    )
    return [_ref(row) for row in session.execute(stmt)]


def _pick(key: str, refs: list[OutcomeRef]) -> OutcomeRef:
    active = [r for r in refs if r.status == "active"] or refs
    if len(active) > 1:
        where = sorted(f"{r.catalogue}/{r.programme_code}/{r.module_code}" for r in active)
        raise InputError(
            f"outcome {key!r} exists in several places ({', '.join(where)}): name the catalogue",
            field="catalogue",
            candidates=where,
        )
    return active[0]
