"""Current-decision lookups and re-review flagging shared by framework and catalogue imports."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, delete, func, insert, select
from sqlalchemy.orm import Session

from outcome_matcher.store.base import chunks
from outcome_matcher.store.tables import DecisionRow, utcnow
from outcome_matcher.store.tables_flags import DecisionFlagRow

WITHDRAWN = "withdrawn"  # the verdict that returns a link to undecided (see tables.VERDICTS)


def current_ids() -> Select[int]:
    """Ids of the current decision of every link (append-only, so the newest row per link)."""
    return select(func.max(DecisionRow.id)).group_by(
        DecisionRow.module_id, DecisionRow.framework, DecisionRow.competency_uri
    )


def current_rows(
    session: Session, *where: ColumnElement[bool]
) -> list[tuple[int, int, str, str | None]]:
    """(id, module_id, competency_uri, evidence_outcome_key) of current decisions matching where.

    Links whose current decision is `withdrawn` are undecided: there is nothing to re-review.
    """
    stmt = select(
        DecisionRow.id,
        DecisionRow.module_id,
        DecisionRow.competency_uri,
        DecisionRow.evidence_outcome_key,
    ).where(DecisionRow.id.in_(current_ids().where(*where)), DecisionRow.verdict != WITHDRAWN)
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(stmt)]


def flag_decisions(session: Session, reasons: dict[int, str]) -> int:
    """Mark decisions (id -> reason) as needing re-review; returns how many were flagged.

    The flag is a row in decision_flags (decisions themselves are never updated); a newer
    reason replaces an older one on the same decision.
    """
    ids = list(reasons)
    now = utcnow()
    for part in chunks(ids):
        session.execute(delete(DecisionFlagRow).where(DecisionFlagRow.decision_id.in_(part)))
        session.execute(
            insert(DecisionFlagRow),
            [{"decision_id": i, "reason": reasons[i], "flagged": now} for i in part],
        )
    return len(reasons)
