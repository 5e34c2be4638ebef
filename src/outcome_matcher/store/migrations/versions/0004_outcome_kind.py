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
    """Drop outcomes.kind (batch mode: SQLite rebuilds the table)."""
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("kind")
