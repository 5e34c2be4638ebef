"""Decisions may be `withdrawn`: the verdict that returns a link to undecided (history kept)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_OLD = ("accepted", "rejected", "partial")
_NEW = (*_OLD, "withdrawn")


def _check(values: tuple[str, ...]) -> str:
    return f"verdict IN ({', '.join(repr(v) for v in values)})"


def _replace_check(values: tuple[str, ...]) -> None:
    # SQLite cannot alter a constraint: batch mode copies the table (named constraints kept).
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint(op.f("ck_decisions_verdict"), type_="check")
        batch.create_check_constraint(op.f("ck_decisions_verdict"), _check(values))


def upgrade() -> None:
    """Allow the `withdrawn` verdict."""
    _replace_check(_NEW)


def downgrade() -> None:
    """Refuse while withdrawn decisions exist (deleting them would rewrite history)."""
    found = op.get_bind().scalar(
        sa.text("SELECT COUNT(*) FROM decisions WHERE verdict = 'withdrawn'")
    )
    if found:
        raise RuntimeError(
            f"{found} withdrawn decision(s) exist; the schema before 0006 cannot hold them"
        )
    _replace_check(_OLD)
