"""Reviewed labels (label_reviews), append-only by the database as decisions are (0009).

The triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) for every connection;
on PostgreSQL they reuse 0009's om_append_only() function.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

TABLE = "label_reviews"


def _create_table() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=200), nullable=False),
        sa.Column("competency_uri", sa.String(length=512), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("previous_label", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_label_reviews_version")),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_label_reviews_reviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["label_reviews.id"],
            name=op.f("fk_label_reviews_supersedes_id_label_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_reviews")),
        sa.UniqueConstraint(
            "framework",
            "competency_uri",
            "lang",
            "version",
            name=op.f("uq_label_reviews_framework_competency_uri_lang_version"),
        ),
    )
    op.create_index("ix_label_reviews_framework", TABLE, ["framework"])
    op.create_index(op.f("ix_label_reviews_reviewer_id"), TABLE, ["reviewer_id"])


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION om_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION om_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'table {TABLE} is append-only: {action} refused'); END"
        )


def upgrade() -> None:
    """Create label_reviews and its append-only triggers."""
    _create_table()
    _create_triggers()


def downgrade() -> None:
    """Drop label_reviews (its triggers go with it)."""
    op.drop_index(op.f("ix_label_reviews_reviewer_id"), table_name=TABLE)
    op.drop_index("ix_label_reviews_framework", table_name=TABLE)
    op.drop_table(TABLE)
