"""Outcome kind: knowledge / skill / mastery (знать / уметь / владеть), nullable."""

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the nullable outcomes.kind column."""
    op.add_column("outcomes", sa.Column("kind", sa.String(length=20), nullable=True))


def downgrade() -> None:
    """Drop outcomes.kind in place (SQLite >= 3.35): batch mode would copy and drop `outcomes`,
    whose implicit delete cascades to every stored suggestion."""
    op.execute("ALTER TABLE outcomes DROP COLUMN kind")
