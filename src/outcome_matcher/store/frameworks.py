"""Framework repository: import (bulk, one transaction), replace with re-review flags, queries."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from outcome_matcher.errors import ConflictError, NotFoundError
from outcome_matcher.schemas import Framework, FrameworkFormat
from outcome_matcher.store.base import StoreBase, audit, bulk_insert
from outcome_matcher.store.flags import current_rows, flag_decisions
from outcome_matcher.store.framework_extras import (
    changed_extras,
    insert_competency_extras,
    insert_standard_extras,
    old_extras,
)
from outcome_matcher.store.framework_rows import (
    changed_competencies,
    competency_values,
    requirement_values,
    standard_values,
    validate_framework,
)
from outcome_matcher.store.public import FrameworkInfo
from outcome_matcher.store.tables import (
    CompetencyRow,
    DecisionRow,
    FrameworkRow,
    RequirementRow,
    StandardRow,
    table_of,
    utcnow,
)


def framework_row(session: Session, name: str) -> FrameworkRow:
    row = session.scalar(select(FrameworkRow).where(FrameworkRow.name == name))
    if row is None:
        raise NotFoundError(f"unknown framework {name!r}", framework=name)
    return row


def _infos(session: Session, *names: str) -> list[FrameworkInfo]:
    n_comp = (
        select(func.count()).where(CompetencyRow.framework_id == FrameworkRow.id).scalar_subquery()
    )
    n_std = (
        select(func.count()).where(StandardRow.framework_id == FrameworkRow.id).scalar_subquery()
    )
    stmt = select(FrameworkRow, n_comp, n_std).order_by(FrameworkRow.name)
    if names:
        stmt = stmt.where(FrameworkRow.name.in_(names))
    return [
        FrameworkInfo(
            name=row.name,
            version=row.version,
            format=cast(FrameworkFormat, row.format),
            source=row.source,
            n_competencies=n_c,
            n_standards=n_s,
            index_fingerprint=row.index_fingerprint,
            created=row.created,
        )
        for row, n_c, n_s in session.execute(stmt)
    ]


def _insert_contents(session: Session, framework_id: int, fw: Framework) -> None:
    # Core-level bulk inserts: no per-object ORM bookkeeping for 140,000 rows.
    comp_rows = [competency_values(framework_id, i, c) for i, c in enumerate(fw.competencies)]
    bulk_insert(session, table_of(CompetencyRow), comp_rows)
    insert_competency_extras(session, framework_id, fw)
    if not fw.standards:
        return
    std_rows = [standard_values(framework_id, i, s) for i, s in enumerate(fw.standards)]
    ids = session.scalars(
        insert(StandardRow).returning(StandardRow.id, sort_by_parameter_order=True), std_rows
    ).all()
    req_rows = [
        requirement_values(std_id, i, r)
        for std_id, std in zip(ids, fw.standards, strict=True)
        for i, r in enumerate(std.requirements)
    ]
    bulk_insert(session, table_of(RequirementRow), req_rows)
    insert_standard_extras(session, ids, fw.standards)


class FrameworksRepo(StoreBase):
    """Frameworks, their competencies and standards."""

    def add_framework(
        self, fw: Framework, *, replace: bool = False, actor: str = "system"
    ) -> FrameworkInfo:
        """Import a framework in one transaction; replace keeps decisions, flags the changed."""
        validate_framework(fw)
        with self._write() as s:
            old = s.scalar(select(FrameworkRow).where(FrameworkRow.name == fw.name))
            old_texts: dict[str, tuple[str, str]] = {}
            old_more: dict[str, tuple[Any, ...]] = {}
            if old is not None:
                if not replace:
                    raise ConflictError(
                        f"framework {fw.name!r} (version {old.version or '-'}) is already "
                        "imported; replace it explicitly to load another version",
                        framework=fw.name,
                        version=old.version,
                    )
                texts = select(CompetencyRow.uri, CompetencyRow.label, CompetencyRow.description)
                old_texts = {
                    uri: (label, desc)
                    for uri, label, desc in s.execute(
                        texts.where(CompetencyRow.framework_id == old.id)
                    )
                }
                old_more = old_extras(s, old.id)
                # The database cascades to competencies, standards and requirements.
                s.execute(delete(FrameworkRow).where(FrameworkRow.id == old.id))
            row = FrameworkRow(
                name=fw.name,
                version=fw.version,
                format=fw.format,
                source=fw.source,
                index_fingerprint=None,
                created=utcnow(),
            )
            s.add(row)
            s.flush()
            _insert_contents(s, row.id, fw)
            flagged = self._flag_changed(s, fw, old_texts, old_more) if old is not None else 0
            detail = {
                "version": fw.version,
                "competencies": len(fw.competencies),
                "standards": len(fw.standards),
                "flagged_decisions": flagged,
            }
            action = "framework.replace" if old is not None else "framework.add"
            audit(s, actor, action, "framework", fw.name, detail)
            return _infos(s, fw.name)[0]

    @staticmethod
    def _flag_changed(
        s: Session,
        fw: Framework,
        old_texts: dict[str, tuple[str, str]],
        old_more: dict[str, tuple[Any, ...]],
    ) -> int:
        # A reworded label or description says more than a changed level or text list.
        reasons = changed_extras(old_more, fw.competencies, fw.version)
        reasons.update(changed_competencies(old_texts, fw.competencies, fw.version))
        if not reasons:
            return 0
        current = current_rows(s, DecisionRow.framework == fw.name)
        return flag_decisions(
            s, {d_id: reasons[uri] for d_id, _, uri, _ in current if uri in reasons}
        )

    def set_index_fingerprint(self, name: str, fingerprint: str, *, actor: str = "system") -> None:
        """Record the model fingerprint of the index built over this framework."""
        with self._write() as s:
            framework_row(s, name)
            s.execute(
                update(FrameworkRow)
                .where(FrameworkRow.name == name)
                .values(index_fingerprint=fingerprint)
            )
            audit(s, actor, "framework.index", "framework", name, {"fingerprint": fingerprint})

    def list_frameworks(self) -> list[FrameworkInfo]:
        with self._read() as s:
            return _infos(s)

    def get_framework_info(self, name: str) -> FrameworkInfo:
        with self._read() as s:
            framework_row(s, name)
            return _infos(s, name)[0]

    def remove_framework(self, name: str, *, actor: str = "system") -> None:
        """Delete a framework; its decisions stay (history) and are flagged for re-review."""
        with self._write() as s:
            row = framework_row(s, name)
            s.execute(delete(FrameworkRow).where(FrameworkRow.id == row.id))
            current = current_rows(s, DecisionRow.framework == name)
            flagged = flag_decisions(s, {d[0]: f"framework {name!r} was removed" for d in current})
            audit(s, actor, "framework.remove", "framework", name, {"flagged_decisions": flagged})
