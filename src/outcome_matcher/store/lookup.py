"""Resolve catalogue, programme and module codes to rows; clear not-found and ambiguity errors."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.store.tables import CatalogueRow, ModuleRow, ProgrammeRow


def catalogue_row(session: Session, name: str) -> CatalogueRow:
    row = session.scalar(select(CatalogueRow).where(CatalogueRow.name == name))
    if row is None:
        raise NotFoundError(f"unknown catalogue {name!r}", catalogue=name)
    return row


def programme_row(
    session: Session, code: str, catalogue: str | None = None
) -> tuple[ProgrammeRow, str]:
    """The active programme with `code` and its catalogue name; ambiguity across catalogues is an
    InputError naming the candidates."""
    stmt = (
        select(ProgrammeRow, CatalogueRow.name)
        .join(CatalogueRow, ProgrammeRow.catalogue_id == CatalogueRow.id)
        .where(ProgrammeRow.code == code, ProgrammeRow.status == "active")
    )
    if catalogue is not None:
        stmt = stmt.where(CatalogueRow.name == catalogue)
    found = session.execute(stmt).all()
    if not found:
        where = f" in catalogue {catalogue!r}" if catalogue else ""
        raise NotFoundError(
            f"unknown programme {code!r}{where}", programme=code, catalogue=catalogue
        )
    if len(found) > 1:
        names = sorted(name for _, name in found)
        raise InputError(
            f"programme {code!r} exists in several catalogues ({', '.join(names)}): name one",
            field="catalogue",
            candidates=names,
        )
    row, name = found[0]
    return row, name


def module_row(
    session: Session, programme: str, module: str, catalogue: str | None = None
) -> tuple[ModuleRow, ProgrammeRow, str]:
    """The active module `module` of programme `programme`, with its programme and catalogue."""
    prog, cat_name = programme_row(session, programme, catalogue)
    row = session.scalar(
        select(ModuleRow).where(
            ModuleRow.programme_id == prog.id,
            ModuleRow.code == module,
            ModuleRow.status == "active",
        )
    )
    if row is None:
        raise NotFoundError(
            f"unknown module {module!r} in programme {programme!r}",
            programme=programme,
            module=module,
        )
    return row, prog, cat_name
