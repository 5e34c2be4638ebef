"""Users' interface language (nullable: None follows the browser's Accept-Language)."""

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add users.lang."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("lang", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Drop users.lang (plain ALTER TABLE: batch mode's copy-and-drop of `users` fails on
    SQLite with foreign keys on as soon as a decision or token refers to a user)."""
    op.execute("ALTER TABLE users DROP COLUMN lang")
