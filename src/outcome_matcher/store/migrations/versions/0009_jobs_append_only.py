"""Decisions and the audit log append-only by the database; re-review flags apart; jobs table.

The triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on `decisions` and
`audit_log` for every connection, the application's own included. A later migration that
rebuilds either table on SQLite (batch mode copies it) must create the triggers again:
`tests/test_store_append_only.py` tries both tables at head.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

APPEND_ONLY = ("decisions", "audit_log")
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION om_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION om_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION om_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: {action} refused'); END"
            )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS om_append_only()")
        return
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def _move_flags_out() -> None:
    # Plain ALTER TABLE on both backends (SQLite >= 3.35): batch mode would copy and drop
    # `decisions`, which fails with foreign keys on once decisions supersede one another.
    flagged = op.get_bind().execute(
        sa.text("SELECT id, review_reason, created FROM decisions WHERE needs_review")
    )
    rows = [{"decision_id": r[0], "reason": r[1] or "", "flagged": r[2]} for r in flagged]
    op.execute("ALTER TABLE decisions DROP COLUMN review_reason")
    op.execute("ALTER TABLE decisions DROP COLUMN needs_review")
    op.create_table(
        "decision_flags",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_flags_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_decision_flags")),
    )
    if rows:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO decision_flags (decision_id, reason, flagged) "
                "VALUES (:decision_id, :reason, :flagged)"
            ),
            rows,
        )


def _create_jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index("ix_jobs_created", "jobs", ["created"])


def upgrade() -> None:
    """Flags to decision_flags, the append-only triggers, the jobs table."""
    _move_flags_out()
    _create_triggers()
    _create_jobs()


def downgrade() -> None:
    """Back to flags on decisions (the triggers go first: the copy-back updates decisions)."""
    op.drop_index("ix_jobs_created", table_name="jobs")
    op.drop_table("jobs")
    _drop_triggers()
    flags = op.get_bind().execute(sa.text("SELECT decision_id, reason FROM decision_flags"))
    rows = [{"id": r[0], "reason": r[1]} for r in flags]
    op.drop_table("decision_flags")
    op.execute("ALTER TABLE decisions ADD COLUMN needs_review BOOLEAN NOT NULL DEFAULT FALSE")
    op.execute("ALTER TABLE decisions ADD COLUMN review_reason TEXT")
    if rows:
        op.get_bind().execute(
            sa.text(
                "UPDATE decisions SET needs_review = TRUE, review_reason = :reason WHERE id = :id"
            ),
            rows,
        )
