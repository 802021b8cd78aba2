"""Append-only audit log and lead history; row-level security on PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from procura.access.rls import APPEND_ONLY, SCOPED_TABLES, drop_statements, policy_statements

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION procura_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    """Refuse UPDATE/DELETE on append-only tables; on PostgreSQL add the jurisdiction policies."""
    # The chain's head exists from the start, so concurrent first entries serialize on its row lock.
    op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}')")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION procura_append_only()"
            )
        for table in SCOPED_TABLES:
            for statement in policy_statements(table):
                op.execute(statement)
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
                )


def downgrade() -> None:
    """Remove the triggers and policies."""
    op.execute("DELETE FROM audit_head WHERE id = 1 AND seq = 0")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in SCOPED_TABLES:
            for statement in drop_statements(table):
                op.execute(statement)
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS procura_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
