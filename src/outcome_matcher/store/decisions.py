"""Review decisions: append-only, optimistic versioning per module–competency link, history."""

from __future__ import annotations

from typing import cast

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outcome_matcher.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from outcome_matcher.store.base import StoreBase, audit
from outcome_matcher.store.flags import current_ids
from outcome_matcher.store.frameworks import framework_row
from outcome_matcher.store.lookup import module_row, programme_row
from outcome_matcher.store.public import (
    DECIDING_ROLES,
    DecisionCreate,
    DecisionPublic,
    Relation,
    UserInfo,
    Verdict,
)
from outcome_matcher.store.tables import (
    CatalogueRow,
    CompetencyRow,
    DecisionRow,
    FrameworkRow,
    ModuleRow,
    OutcomeRow,
    ProgrammeRow,
    RequirementRow,
    StandardRow,
    UserRow,
    utcnow,
)
from outcome_matcher.store.tables_flags import DecisionFlagRow
from outcome_matcher.store.users import user_row


class _LostRace(Exception):
    """Another writer stored this link version between our read and our insert."""


_Joined = Select[DecisionRow, str, str, str, str, str | None]


def _select() -> _Joined:
    return (
        select(
            DecisionRow,
            CatalogueRow.name,
            ProgrammeRow.code,
            ModuleRow.code,
            UserRow.name,
            DecisionFlagRow.reason,
        )
        .join(ModuleRow, DecisionRow.module_id == ModuleRow.id)
        .join(ProgrammeRow, ModuleRow.programme_id == ProgrammeRow.id)
        .join(CatalogueRow, ProgrammeRow.catalogue_id == CatalogueRow.id)
        .join(UserRow, DecisionRow.reviewer_id == UserRow.id)
        .outerjoin(DecisionFlagRow, DecisionFlagRow.decision_id == DecisionRow.id)
    )


def _public(
    row: DecisionRow,
    catalogue: str,
    programme: str,
    module: str,
    reviewer: str,
    flag: str | None = None,
) -> DecisionPublic:
    return DecisionPublic(
        id=row.id,
        catalogue=catalogue,
        programme=programme,
        module=module,
        framework=row.framework,
        competency_id=row.competency_uri,
        verdict=cast(Verdict, row.verdict),
        relation=cast(Relation | None, row.relation),
        reason=row.reason,
        evidence_outcome=row.evidence_outcome_key,
        reviewer=reviewer,
        created=row.created,
        version=row.version,
        supersedes=row.supersedes_id,
        needs_review=flag is not None,
        review_reason=flag,
    )


def _query(session: Session, stmt: _Joined) -> list[DecisionPublic]:
    return [_public(*row) for row in session.execute(stmt)]


def _current(session: Session, module_id: int, framework: str, uri: str) -> DecisionPublic | None:
    stmt = (
        _select()
        .where(
            DecisionRow.module_id == module_id,
            DecisionRow.framework == framework,
            DecisionRow.competency_uri == uri,
        )
        .order_by(DecisionRow.version.desc())
        .limit(1)
    )
    found = _query(session, stmt)
    return found[0] if found else None


def _conflict(d: DecisionCreate, current: DecisionPublic | None) -> ConflictError:
    version = current.version if current else 0
    return ConflictError(
        f"link {d.programme}/{d.module} – {d.competency_id} is at version {version}, "
        f"not {d.expected_version}: reload it and decide again",
        current_version=version,
        current=current.model_dump(mode="json") if current else None,
    )


def _author(session: Session, d: DecisionCreate, caller_info: UserInfo) -> UserRow:
    """The authenticated caller, who is always the decision's author (nobody writes as another)."""
    try:
        caller = user_row(session, caller_info.name)
    except NotFoundError as exc:
        raise ForbiddenError(f"unknown user {caller_info.name!r}") from exc
    if not caller.active or caller.role not in DECIDING_ROLES:
        why = "is deactivated" if not caller.active else f"has role {caller.role}"
        raise ForbiddenError(f"user {caller.name!r} {why} and cannot record decisions")
    return caller


def _check_target(session: Session, d: DecisionCreate, module_id: int, has_history: bool) -> None:
    fw = framework_row(session, d.framework)
    exists = session.scalar(
        select(CompetencyRow.id).where(
            CompetencyRow.framework_id == fw.id, CompetencyRow.uri == d.competency_id
        )
    )
    # A competency that left the framework can still be re-reviewed, not newly linked.
    if exists is None and not has_history:
        raise NotFoundError(
            f"unknown competency {d.competency_id!r} in framework {d.framework!r}",
            framework=d.framework,
            competency_id=d.competency_id,
        )
    if d.evidence_outcome is not None:
        found = session.scalar(
            select(OutcomeRow.id).where(
                OutcomeRow.module_id == module_id,
                OutcomeRow.key == d.evidence_outcome,
                OutcomeRow.status == "active",
            )
        )
        if found is None:
            raise InputError(
                f"outcome {d.evidence_outcome!r} is not an active outcome of module {d.module!r}",
                field="evidence_outcome",
            )


def _standard_uris(framework: str, standard: str) -> Select[str]:
    return (
        select(RequirementRow.competency_uri)
        .join(StandardRow, RequirementRow.standard_id == StandardRow.id)
        .join(FrameworkRow, StandardRow.framework_id == FrameworkRow.id)
        .where(FrameworkRow.name == framework, StandardRow.key == standard)
    )


def insert_decision(
    s: Session,
    d: DecisionCreate,
    author: UserRow,
    module: ModuleRow,
    programme: str,
    catalogue: str,
    current: DecisionPublic | None,
) -> DecisionPublic:
    """Append the decision as the link's next version, audited; _LostRace if a writer beat us."""
    row = DecisionRow(
        module_id=module.id,
        framework=d.framework,
        competency_uri=d.competency_id,
        evidence_outcome_key=d.evidence_outcome,
        verdict=d.verdict,
        relation=d.relation,
        reason=d.reason,
        reviewer_id=author.id,
        created=utcnow(),
        version=d.expected_version + 1,
        supersedes_id=current.id if current else None,
    )
    s.add(row)
    try:
        s.flush()  # the unique (link, version) index decides between racing writers
    except IntegrityError as exc:
        raise _LostRace from exc
    detail = {"verdict": d.verdict, "relation": d.relation, "version": row.version}
    key = f"{catalogue}/{programme}/{module.code}|{d.framework}|{d.competency_id}"
    audit(s, author.name, "decision.add", "decision", key, detail)
    return _public(row, catalogue, programme, module.code, author.name)


class DecisionsRepo(StoreBase):
    """Review decisions."""

    def decide(self, d: DecisionCreate, reviewer: UserInfo) -> DecisionPublic:
        """Record a decision if the link is still at `d.expected_version`; ConflictError otherwise.

        `reviewer` is the authenticated UserInfo; its role and state are re-read from the store.
        """
        try:
            with self._write() as s:
                author = _author(s, d, reviewer)
                module, prog, cat = module_row(s, d.programme, d.module, d.catalogue)
                current = _current(s, module.id, d.framework, d.competency_id)
                _check_target(s, d, module.id, current is not None)
                if (current.version if current else 0) != d.expected_version:
                    raise _conflict(d, current)
                if d.verdict == "withdrawn" and (current is None or current.verdict == "withdrawn"):
                    raise InputError("the link is undecided: nothing to withdraw", field="verdict")
                return insert_decision(s, d, author, module, prog.code, cat, current)
        except _LostRace:
            with self._read() as s:
                module, _, _ = module_row(s, d.programme, d.module, d.catalogue)
                raise _conflict(d, _current(s, module.id, d.framework, d.competency_id)) from None

    def decision_history(
        self,
        *,
        programme: str | None = None,
        module: str | None = None,
        catalogue: str | None = None,
        framework: str | None = None,
        competency_id: str | None = None,
        standard: str | None = None,
        limit: int | None = None,
    ) -> list[DecisionPublic]:
        """Every decision (superseded ones too) matching the filters, oldest first."""
        if module is not None and programme is None:
            raise InputError("a module filter needs its programme", field="programme")
        stmt = _select()
        with self._read() as s:
            stmt = stmt.where(*self._filters(s, programme, module, catalogue, framework, standard))
            if competency_id is not None:
                stmt = stmt.where(DecisionRow.competency_uri == competency_id)
            stmt = stmt.order_by(DecisionRow.id)
            if limit is not None:
                stmt = stmt.limit(limit)
            return _query(s, stmt)

    def latest_decision_id(self, framework: str) -> int:
        """The newest decision's id on the framework (0 for none): what changed since a read."""
        with self._read() as s:
            found = s.scalar(
                select(func.max(DecisionRow.id)).where(DecisionRow.framework == framework)
            )
            return int(found or 0)

    def current_decisions(
        self,
        programme: str,
        framework: str,
        *,
        catalogue: str | None = None,
        standard: str | None = None,
    ) -> list[DecisionPublic]:
        """The current decision of every link of a programme's active modules with a framework."""
        with self._read() as s:
            where = self._filters(s, programme, None, catalogue, framework, standard)
            stmt = (
                _select()
                .where(*where, DecisionRow.id.in_(current_ids()), ModuleRow.status == "active")
                .order_by(ModuleRow.position, DecisionRow.competency_uri)
            )
            return _query(s, stmt)

    @staticmethod
    def _filters(
        s: Session,
        programme: str | None,
        module: str | None,
        catalogue: str | None,
        framework: str | None,
        standard: str | None,
    ) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if programme is not None:
            prog, _ = programme_row(s, programme, catalogue)
            where.append(ModuleRow.programme_id == prog.id)
        elif catalogue is not None:
            where.append(CatalogueRow.name == catalogue)
        if module is not None:
            where.append(ModuleRow.code == module)
        if framework is not None:
            where.append(DecisionRow.framework == framework)
        if standard is not None:
            if framework is None:
                raise InputError("a standard filter needs its framework", field="framework")
            where.append(DecisionRow.competency_uri.in_(_standard_uris(framework, standard)))
        return where
