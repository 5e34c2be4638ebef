"""Reading the append-only audit log."""

from __future__ import annotations

from sqlalchemy import select

from outcome_matcher.store.base import StoreBase
from outcome_matcher.store.public import AuditEntry
from outcome_matcher.store.tables import AuditRow


class AuditRepo(StoreBase):
    """Audit log queries (rows are written by every repository in its own transaction)."""

    def audit_entries(
        self,
        *,
        entity: str | None = None,
        entity_key: str | None = None,
        actor: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first."""
        stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if entity is not None:
            stmt = stmt.where(AuditRow.entity == entity)
        if entity_key is not None:
            stmt = stmt.where(AuditRow.entity_key == entity_key)
        if actor is not None:
            stmt = stmt.where(AuditRow.actor == actor)
        with self._read() as s:
            return [
                AuditEntry(
                    id=r.id,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    entity=r.entity,
                    entity_key=r.entity_key,
                    detail=r.detail,
                )
                for r in s.scalars(stmt)
            ]
