"""Initial schema: frameworks, catalogues, suggestions, decisions, users, tokens, audit log."""

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create every table of the first schema."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_key", sa.String(length=512), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_key"])

    op.create_table(
        "catalogues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("institution", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogues")),
        sa.UniqueConstraint("name", name=op.f("uq_catalogues_name")),
    )
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("index_fingerprint", sa.String(length=200), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("name", name=op.f("uq_frameworks_name")),
    )
    op.create_table(
        "suggestion_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_fingerprint", sa.String(length=200), nullable=False),
        sa.Column("framework", sa.String(length=200), nullable=False),
        sa.Column("framework_version", sa.String(length=100), nullable=False),
        sa.Column("catalogue", sa.String(length=200), nullable=True),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_runs")),
    )
    op.create_index(op.f("ix_suggestion_runs_framework"), "suggestion_runs", ["framework"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'designer', 'reviewer', 'auditor')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("uri", sa.String(length=512), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("alt_labels", sa.JSON(), nullable=False),
        sa.Column("hidden_labels", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("lang", sa.String(length=20), nullable=False),
        sa.Column("reuse_level", sa.String(length=100), nullable=True),
        sa.Column("broader", sa.JSON(), nullable=False),
        sa.Column("labels_by_lang", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_competencies_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competencies")),
        sa.UniqueConstraint("framework_id", "uri", name=op.f("uq_competencies_framework_id_uri")),
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalogue_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("lang", sa.String(length=20), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("status IN ('active', 'removed')", name=op.f("ck_programmes_status")),
        sa.ForeignKeyConstraint(
            ["catalogue_id"],
            ["catalogues.id"],
            name=op.f("fk_programmes_catalogue_id_catalogues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("catalogue_id", "code", name=op.f("uq_programmes_catalogue_id_code")),
    )
    op.create_table(
        "standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_standards_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards")),
        sa.UniqueConstraint("framework_id", "key", name=op.f("uq_standards_framework_id_key")),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tokens_token_hash")),
    )
    op.create_index(op.f("ix_tokens_user_id"), "tokens", ["user_id"])

    op.create_table(
        "modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("credits", sa.Double(), nullable=True),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("lang", sa.String(length=20), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("status IN ('active', 'removed')", name=op.f("ck_modules_status")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_modules_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modules")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_modules_programme_id_code")),
    )
    op.create_table(
        "requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("competency_uri", sa.String(length=512), nullable=False),
        sa.Column("essential", sa.Boolean(), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["standard_id"],
            ["standards.id"],
            name=op.f("fk_requirements_standard_id_standards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirements")),
    )
    op.create_index(op.f("ix_requirements_standard_id"), "requirements", ["standard_id"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=200), nullable=False),
        sa.Column("competency_uri", sa.String(length=512), nullable=False),
        sa.Column("evidence_outcome_key", sa.String(length=64), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("relation", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "relation IS NULL OR relation IN ('exact', 'close', 'broad', 'narrow', 'related')",
            name=op.f("ck_decisions_relation"),
        ),
        sa.CheckConstraint(
            "verdict IN ('accepted', 'rejected', 'partial')", name=op.f("ck_decisions_verdict")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_decisions_version")),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_decisions_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_decisions_reviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["decisions.id"], name=op.f("fk_decisions_supersedes_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint(
            "module_id",
            "framework",
            "competency_uri",
            "version",
            name=op.f("uq_decisions_module_id_framework_competency_uri_version"),
        ),
    )
    op.create_index(
        "ix_decisions_framework_competency", "decisions", ["framework", "competency_uri"]
    )
    op.create_index(op.f("ix_decisions_reviewer_id"), "decisions", ["reviewer_id"])

    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=20), nullable=True),
        sa.Column("bloom_level", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("status IN ('active', 'removed')", name=op.f("ck_outcomes_status")),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_outcomes_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint("module_id", "key", name=op.f("uq_outcomes_module_id_key")),
    )
    op.create_index(op.f("ix_outcomes_key"), "outcomes", ["key"])

    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("competency_uri", sa.String(length=512), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_suggestions_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_suggestions_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["suggestion_runs.id"],
            name=op.f("fk_suggestions_run_id_suggestion_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
    )
    op.create_index("ix_suggestions_module_run", "suggestions", ["module_id", "run_id"])
    op.create_index(op.f("ix_suggestions_outcome_id"), "suggestions", ["outcome_id"])
    op.create_index(op.f("ix_suggestions_run_id"), "suggestions", ["run_id"])


def downgrade() -> None:
    """Drop every table (indexes go with them), children first."""
    op.drop_table("suggestions")
    op.drop_table("outcomes")
    op.drop_table("decisions")
    op.drop_table("requirements")
    op.drop_table("modules")
    op.drop_table("tokens")
    op.drop_table("standards")
    op.drop_table("programmes")
    op.drop_table("competencies")
    op.drop_table("users")
    op.drop_table("suggestion_runs")
    op.drop_table("frameworks")
    op.drop_table("catalogues")
    op.drop_table("audit_log")
