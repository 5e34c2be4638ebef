"""Micro-qualifications: current rows, append-only versions, reviewers' sign-offs."""

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create micro_qualifications, micro_qualification_versions, micro_qualification_signoffs."""
    op.create_table(
        "micro_qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name=op.f("ck_micro_qualifications_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_qualifications")),
        sa.UniqueConstraint("key", name=op.f("uq_micro_qualifications_key")),
    )
    op.create_table(
        "micro_qualification_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mq_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'published')",
            name=op.f("ck_micro_qualification_versions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["mq_id"],
            ["micro_qualifications.id"],
            name=op.f("fk_micro_qualification_versions_mq_id_micro_qualifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_qualification_versions")),
        sa.UniqueConstraint(
            "mq_id",
            "version",
            name=op.f("uq_micro_qualification_versions_mq_id_version"),
        ),
    )
    op.create_table(
        "micro_qualification_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mq_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('approved', 'rejected')",
            name=op.f("ck_micro_qualification_signoffs_verdict"),
        ),
        sa.ForeignKeyConstraint(
            ["mq_id"],
            ["micro_qualifications.id"],
            name=op.f("fk_micro_qualification_signoffs_mq_id_micro_qualifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_qualification_signoffs")),
    )
    op.create_index(
        op.f("ix_micro_qualification_signoffs_mq_id"),
        "micro_qualification_signoffs",
        ["mq_id"],
    )


def downgrade() -> None:
    """Drop the micro-qualification tables."""
    op.drop_index(
        op.f("ix_micro_qualification_signoffs_mq_id"),
        table_name="micro_qualification_signoffs",
    )
    op.drop_table("micro_qualification_signoffs")
    op.drop_table("micro_qualification_versions")
    op.drop_table("micro_qualifications")
