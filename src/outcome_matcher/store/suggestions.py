"""Suggestion runs and their suggestions; the latest run per module is the one that counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.schemas import QueryResult
from outcome_matcher.store.base import StoreBase, audit, bulk_insert, chunks, missing_message
from outcome_matcher.store.frameworks import framework_row
from outcome_matcher.store.lookup import catalogue_row, programme_row
from outcome_matcher.store.public import SuggestionRecord, SuggestionRunInfo
from outcome_matcher.store.tables import (
    CatalogueRow,
    CompetencyRow,
    FrameworkRow,
    ModuleRow,
    OutcomeRow,
    ProgrammeRow,
    RequirementRow,
    StandardRow,
    SuggestionRow,
    SuggestionRunRow,
    table_of,
    utcnow,
)


def _run_info(row: SuggestionRunRow) -> SuggestionRunInfo:
    return SuggestionRunInfo(
        id=row.id,
        model_fingerprint=row.model_fingerprint,
        framework=row.framework,
        framework_version=row.framework_version,
        catalogue=row.catalogue,
        thresholds=row.thresholds,
        params=row.params,
        created=row.created,
    )


def _outcome_ids(
    session: Session, keys: list[str], catalogue: str | None
) -> dict[str, tuple[int, int]]:
    """outcome key -> (outcome row id, module row id), among active outcomes."""
    found: dict[str, list[tuple[int, int]]] = {}
    for part in chunks(keys):
        stmt = select(OutcomeRow.key, OutcomeRow.id, OutcomeRow.module_id).where(
            OutcomeRow.key.in_(part), OutcomeRow.status == "active"
        )
        if catalogue is not None:
            stmt = (
                stmt.join(ModuleRow, OutcomeRow.module_id == ModuleRow.id)
                .join(ProgrammeRow, ModuleRow.programme_id == ProgrammeRow.id)
                .join(CatalogueRow, ProgrammeRow.catalogue_id == CatalogueRow.id)
                .where(CatalogueRow.name == catalogue)
            )
        for key, oid, mid in session.execute(stmt):
            found.setdefault(key, []).append((oid, mid))
    missing = [k for k in keys if k not in found]
    if missing:
        raise NotFoundError(missing_message("outcome", missing), missing=missing)
    ambiguous = sorted(k for k, v in found.items() if len(v) > 1)
    if ambiguous:
        raise InputError(
            f"outcome key(s) in several catalogues: {', '.join(ambiguous[:10])}; "
            "start the run with its catalogue",
            field="catalogue",
        )
    return {k: v[0] for k, v in found.items()}


class SuggestionsRepo(StoreBase):
    """Machine suggestions, grouped in runs."""

    def add_suggestion_run(
        self,
        *,
        framework: str,
        model_fingerprint: str,
        thresholds: Mapping[str, float],
        params: Mapping[str, Any] | None = None,
        catalogue: str | None = None,
        actor: str = "system",
    ) -> SuggestionRunInfo:
        """Open a run; `catalogue` scopes its outcome keys when several catalogues share them."""
        with self._write() as s:
            fw = framework_row(s, framework)
            if catalogue is not None:
                catalogue_row(s, catalogue)
            row = SuggestionRunRow(
                model_fingerprint=model_fingerprint,
                framework=fw.name,
                framework_version=fw.version,
                catalogue=catalogue,
                thresholds=dict(thresholds),
                params=dict(params or {}),
                created=utcnow(),
            )
            s.add(row)
            s.flush()
            audit(
                s,
                actor,
                "suggestion_run.add",
                "suggestion_run",
                str(row.id),
                {"framework": framework},
            )
            return _run_info(row)

    def add_suggestions(
        self, run_id: int, results: Sequence[QueryResult], *, actor: str = "system"
    ) -> int:
        """Store a run's suggestions (QueryResult.id is the outcome key) in one transaction."""
        with self._write() as s:
            run = s.get(SuggestionRunRow, run_id)
            if run is None:
                raise NotFoundError(f"unknown suggestion run {run_id}", run_id=run_id)
            ids = _outcome_ids(s, list(dict.fromkeys(r.id for r in results)), run.catalogue)
            rows = [
                {
                    "run_id": run_id,
                    "outcome_id": ids[r.id][0],
                    "module_id": ids[r.id][1],
                    "rank": rank,
                    "competency_uri": sug.competency_id,
                    "score": sug.score,
                    "confidence": sug.confidence,
                    "evidence": sug.evidence,
                }
                for r in results
                for rank, sug in enumerate(r.suggestions)
            ]
            bulk_insert(s, table_of(SuggestionRow), rows)
            audit(s, actor, "suggestions.add", "suggestion_run", str(run_id), {"rows": len(rows)})
            return len(rows)

    def get_suggestion_run(self, run_id: int) -> SuggestionRunInfo:
        with self._read() as s:
            row = s.get(SuggestionRunRow, run_id)
            if row is None:
                raise NotFoundError(f"unknown suggestion run {run_id}", run_id=run_id)
            return _run_info(row)

    def latest_suggestions(
        self,
        programme: str,
        framework: str,
        *,
        catalogue: str | None = None,
        standard: str | None = None,
    ) -> list[SuggestionRecord]:
        """Suggestions for a programme's active outcomes from each module's latest run."""
        with self._read() as s:
            prog, _ = programme_row(s, programme, catalogue)
            fw = framework_row(s, framework)
            latest = (
                select(SuggestionRow.module_id, func.max(SuggestionRow.run_id).label("run_id"))
                .join(SuggestionRunRow, SuggestionRow.run_id == SuggestionRunRow.id)
                .join(ModuleRow, SuggestionRow.module_id == ModuleRow.id)
                .where(SuggestionRunRow.framework == framework, ModuleRow.programme_id == prog.id)
                .group_by(SuggestionRow.module_id)
                .subquery()
            )
            stmt = (
                select(
                    SuggestionRow,
                    ModuleRow.code,
                    OutcomeRow.key,
                    OutcomeRow.text,
                    CompetencyRow.label,
                )
                .join(
                    latest,
                    (latest.c.module_id == SuggestionRow.module_id)
                    & (latest.c.run_id == SuggestionRow.run_id),
                )
                .join(ModuleRow, SuggestionRow.module_id == ModuleRow.id)
                .join(OutcomeRow, SuggestionRow.outcome_id == OutcomeRow.id)
                .outerjoin(
                    CompetencyRow,
                    (CompetencyRow.framework_id == fw.id)
                    & (CompetencyRow.uri == SuggestionRow.competency_uri),
                )
                .where(OutcomeRow.status == "active", ModuleRow.status == "active")
                .order_by(
                    ModuleRow.position, OutcomeRow.position, OutcomeRow.id, SuggestionRow.rank
                )
            )
            if standard is not None:
                required = (
                    select(RequirementRow.competency_uri)
                    .join(StandardRow, RequirementRow.standard_id == StandardRow.id)
                    .join(FrameworkRow, StandardRow.framework_id == FrameworkRow.id)
                    .where(FrameworkRow.id == fw.id, StandardRow.key == standard)
                )
                stmt = stmt.where(SuggestionRow.competency_uri.in_(required))
            return [
                SuggestionRecord(
                    run_id=sug.run_id,
                    programme_code=prog.code,
                    module_code=m_code,
                    outcome_id=key,
                    outcome_text=text,
                    competency_id=sug.competency_uri,
                    label=label or "",
                    rank=sug.rank,
                    score=sug.score,
                    confidence=sug.confidence,
                    evidence=sug.evidence,
                )
                for sug, m_code, key, text, label in s.execute(stmt)
            ]
