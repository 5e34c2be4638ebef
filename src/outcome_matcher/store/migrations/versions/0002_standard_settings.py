"""Per-standard review settings: four-eyes sign-off."""

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the standard_settings table."""
    op.create_table(
        "standard_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=200), nullable=False),
        sa.Column("standard_key", sa.String(length=512), nullable=False),
        sa.Column("four_eyes", sa.Boolean(), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_settings")),
        sa.UniqueConstraint(
            "framework",
            "standard_key",
            name=op.f("uq_standard_settings_framework_standard_key"),
        ),
    )


def downgrade() -> None:
    """Drop the standard_settings table."""
    op.drop_table("standard_settings")
