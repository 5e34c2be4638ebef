"""Occupational-standard structure: competency texts and level scales, units, standard levels."""

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create competency_texts, competency_scales, standard_levels and standard_units."""
    op.create_table(
        "competency_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("competency_texts", "competency_id", "competencies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_texts")),
    )
    op.create_index(
        op.f("ix_competency_texts_competency_id"), "competency_texts", ["competency_id"]
    )
    op.create_table(
        "competency_scales",
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level_scale", sa.String(length=50), nullable=False),
        _fk("competency_scales", "competency_id", "competencies"),
        sa.PrimaryKeyConstraint("competency_id", name=op.f("pk_competency_scales")),
    )
    op.create_table(
        "standard_levels",
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("level_scale", sa.String(length=50), nullable=True),
        _fk("standard_levels", "standard_id", "standards"),
        sa.PrimaryKeyConstraint("standard_id", name=op.f("pk_standard_levels")),
    )
    _create_units()


def _create_units() -> None:
    op.create_table(
        "standard_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("level_scale", sa.String(length=50), nullable=True),
        sa.Column("parent", sa.String(length=200), nullable=True),
        *(
            sa.Column(name, sa.JSON(), nullable=False)
            for name in ("job_titles", "education", "experience", "conditions", "isco_codes")
        ),
        sa.Column("isco_edition", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        _fk("standard_units", "standard_id", "standards"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_units")),
        sa.UniqueConstraint("standard_id", "key", name=op.f("uq_standard_units_standard_id_key")),
    )


def downgrade() -> None:
    """Drop the four tables."""
    for table in ("standard_units", "standard_levels", "competency_scales", "competency_texts"):
        op.drop_table(table)
