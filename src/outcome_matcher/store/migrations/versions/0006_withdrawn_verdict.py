"""Decisions may be `withdrawn`: the verdict that returns a link to undecided (history kept)."""

import re

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
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_decisions_verdict"), "decisions", type_="check")
        op.create_check_constraint(op.f("ck_decisions_verdict"), "decisions", _check(values))
        return
    _sqlite_replace_check(values)


def _sqlite_replace_check(values: tuple[str, ...]) -> None:
    """Rewrite the CHECK's list in the stored CREATE TABLE text.

    SQLite cannot alter a constraint, and copying the table (batch mode) fails with foreign
    keys on once decisions supersede one another. Changing a CHECK does not change what is
    stored, so SQLite's documented writable_schema procedure for such edits applies
    (sqlite.org/lang_altertable.html, "other kinds of table schema changes").
    """
    bind = op.get_bind()
    where = "type = 'table' AND name = 'decisions'"
    sql = bind.scalar(sa.text(f"SELECT sql FROM sqlite_master WHERE {where}"))
    new = re.sub(r"verdict IN \([^)]*\)", _check(values), str(sql), count=1)
    version = int(bind.scalar(sa.text("PRAGMA schema_version")) or 0)
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(sa.text(f"UPDATE sqlite_master SET sql = :sql WHERE {where}"), {"sql": new})
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


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
