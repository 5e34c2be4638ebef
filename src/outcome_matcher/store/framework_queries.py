"""Framework read queries: competencies, whole frameworks, standards and their requirements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Integer, case, func, or_, select
from sqlalchemy.orm import Session

from outcome_matcher.errors import NotFoundError
from outcome_matcher.schemas import Competency, Framework, FrameworkFormat, Requirement, Standard
from outcome_matcher.store.base import StoreBase, chunks, missing_message
from outcome_matcher.store.framework_extras import competencies_from_rows, standard_extras
from outcome_matcher.store.frameworks import framework_row
from outcome_matcher.store.public import StandardInfo
from outcome_matcher.store.tables import CompetencyRow, RequirementRow, StandardRow


def _standards(session: Session, framework_id: int, key: str | None = None) -> list[Standard]:
    heads = select(StandardRow).where(StandardRow.framework_id == framework_id)
    if key is not None:
        heads = heads.where(StandardRow.key == key)
    rows = session.scalars(heads.order_by(StandardRow.position)).all()
    # Plain columns, not ORM objects: ESCO has about 124,000 requirement rows.
    reqs = (
        select(
            RequirementRow.standard_id,
            RequirementRow.competency_uri,
            RequirementRow.essential,
            RequirementRow.unit,
        )
        .join(StandardRow, StandardRow.id == RequirementRow.standard_id)
        .where(StandardRow.framework_id == framework_id)
        .order_by(RequirementRow.standard_id, RequirementRow.position)
    )
    if key is not None:
        reqs = reqs.where(StandardRow.key == key)
    by_standard: dict[int, list[Requirement]] = {row.id: [] for row in rows}
    for std_id, uri, essential, unit in session.execute(reqs):
        by_standard[std_id].append(Requirement(competency_id=uri, essential=essential, unit=unit))
    extras = standard_extras(session, [r.id for r in rows])
    return [
        Standard(
            id=r.key,
            label=r.label,
            description=r.description,
            requirements=tuple(by_standard[r.id]),
            **extras[r.id],
        )
        for r in rows
    ]


class FrameworkQueries(StoreBase):
    """Reads over stored frameworks."""

    def get_competencies(self, name: str, ids: Sequence[str] | None = None) -> list[Competency]:
        """All competencies in import order, or those with `ids` in the order given."""
        with self._read() as s:
            fid = framework_row(s, name).id
            base = select(CompetencyRow).where(CompetencyRow.framework_id == fid)
            if ids is None:
                rows = s.scalars(base.order_by(CompetencyRow.position)).all()
                return competencies_from_rows(s, rows)
            found: dict[str, Competency] = {}
            for part in chunks(list(dict.fromkeys(ids))):
                part_rows = s.scalars(base.where(CompetencyRow.uri.in_(part))).all()
                found.update((c.id, c) for c in competencies_from_rows(s, part_rows))
            missing = [i for i in dict.fromkeys(ids) if i not in found]
            if missing:
                raise NotFoundError(
                    missing_message("competency", missing) + f" in framework {name!r}",
                    framework=name,
                    missing=missing,
                )
            return [found[i] for i in ids]

    def load_framework(self, name: str) -> Framework:
        """Rebuild the whole Framework object, e.g. to rebuild its index."""
        with self._read() as s:
            row = framework_row(s, name)
            comps = s.scalars(
                select(CompetencyRow)
                .where(CompetencyRow.framework_id == row.id)
                .order_by(CompetencyRow.position)
            ).all()
            return Framework(
                name=row.name,
                version=row.version,
                format=cast(FrameworkFormat, row.format),
                source=row.source,
                competencies=tuple(competencies_from_rows(s, comps)),
                standards=tuple(_standards(s, row.id)),
            )

    def list_standards(
        self, framework: str, query: str | None = None, limit: int = 50
    ) -> list[StandardInfo]:
        """Standards of a framework, optionally those whose key or label contains `query`."""
        essential = func.coalesce(func.sum(case((RequirementRow.essential, 1), else_=0)), 0)
        optional = func.coalesce(func.sum(case((~RequirementRow.essential, 1), else_=0)), 0)
        with self._read() as s:
            fid = framework_row(s, framework).id
            stmt = (
                select(
                    StandardRow.key,
                    StandardRow.label,
                    essential.cast(Integer),
                    optional.cast(Integer),
                )
                .outerjoin(RequirementRow, RequirementRow.standard_id == StandardRow.id)
                .where(StandardRow.framework_id == fid)
                .group_by(StandardRow.id, StandardRow.key, StandardRow.label, StandardRow.position)
                .order_by(StandardRow.position)
                .limit(limit)
            )
            if query:
                needle = query.strip().lower()
                stmt = stmt.where(
                    or_(
                        func.lower(StandardRow.label).contains(needle, autoescape=True),
                        func.lower(StandardRow.key).contains(needle, autoescape=True),
                    )
                )
            return [
                StandardInfo(key=k, label=label, n_essential=n_e, n_optional=n_o)
                for k, label, n_e, n_o in s.execute(stmt)
            ]

    def get_standard(self, framework: str, key: str) -> Standard:
        with self._read() as s:
            found = _standards(s, framework_row(s, framework).id, key)
            if not found:
                raise NotFoundError(
                    f"unknown standard {key!r} in framework {framework!r}",
                    framework=framework,
                    standard=key,
                )
            return found[0]
