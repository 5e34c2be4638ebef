"""Four-eyes sign-off: the per-standard setting and each reviewer's latest decision per link."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from outcome_matcher.errors import NotFoundError
from outcome_matcher.store.base import StoreBase, audit
from outcome_matcher.store.decisions import DecisionsRepo, _query, _select
from outcome_matcher.store.flags import current_ids
from outcome_matcher.store.framework_queries import _standards
from outcome_matcher.store.frameworks import framework_row
from outcome_matcher.store.public import DecisionPublic, StandardSettings
from outcome_matcher.store.tables import DecisionRow, ModuleRow, StandardSettingRow, utcnow
from outcome_matcher.store.tables_flags import DecisionFlagRow


def _reviewer_latest_ids() -> Select[int]:
    """Ids of each reviewer's newest decision on every link."""
    return select(func.max(DecisionRow.id)).group_by(
        DecisionRow.module_id,
        DecisionRow.framework,
        DecisionRow.competency_uri,
        DecisionRow.reviewer_id,
    )


def _check_standard(s: Session, framework: str, standard: str) -> None:
    if not _standards(s, framework_row(s, framework).id, standard):
        raise NotFoundError(
            f"unknown standard {standard!r} in framework {framework!r}",
            framework=framework,
            standard=standard,
        )


class SignOffRepo(StoreBase):
    """Per-standard review settings and the decisions four-eyes sign-off compares."""

    def standard_settings(self, framework: str, standard: str) -> StandardSettings:
        """The standard's settings (defaults when never set); NotFoundError for an unknown one."""
        with self._read() as s:
            _check_standard(s, framework, standard)
            row = s.scalar(
                select(StandardSettingRow).where(
                    StandardSettingRow.framework == framework,
                    StandardSettingRow.standard_key == standard,
                )
            )
            four_eyes = row.four_eyes if row else False
        return StandardSettings(framework=framework, standard=standard, four_eyes=four_eyes)

    def set_standard_settings(self, settings: StandardSettings, *, actor: str) -> StandardSettings:
        """Store a standard's settings (an upsert), audited."""
        with self._write() as s:
            _check_standard(s, settings.framework, settings.standard)
            row = s.scalar(
                select(StandardSettingRow).where(
                    StandardSettingRow.framework == settings.framework,
                    StandardSettingRow.standard_key == settings.standard,
                )
            )
            if row is None:
                row = StandardSettingRow(
                    framework=settings.framework, standard_key=settings.standard
                )
                s.add(row)
            row.four_eyes = settings.four_eyes
            row.updated = utcnow()
            key = f"{settings.framework}|{settings.standard}"
            audit(s, actor, "standard.settings", "standard", key, {"four_eyes": row.four_eyes})
        return settings

    def reviewer_decisions(
        self,
        programme: str,
        framework: str,
        *,
        catalogue: str | None = None,
        standard: str | None = None,
    ) -> list[DecisionPublic]:
        """Each reviewer's newest decision on every link of the programme's active modules."""
        with self._read() as s:
            where = DecisionsRepo._filters(s, programme, None, catalogue, framework, standard)
            stmt = (
                _select()
                .where(
                    *where,
                    DecisionRow.id.in_(_reviewer_latest_ids()),
                    ModuleRow.status == "active",
                )
                .order_by(DecisionRow.id)
            )
            return _query(s, stmt)

    def flagged_decisions(
        self,
        *,
        programme: str | None = None,
        framework: str | None = None,
        catalogue: str | None = None,
    ) -> list[DecisionPublic]:
        """Current decisions marked for re-review (outcome text or competency changed)."""
        with self._read() as s:
            where = DecisionsRepo._filters(s, programme, None, catalogue, framework, None)
            stmt = (
                _select()
                .where(
                    *where, DecisionRow.id.in_(current_ids()), DecisionFlagRow.reason.is_not(None)
                )
                .order_by(DecisionRow.id)
            )
            return _query(s, stmt)
