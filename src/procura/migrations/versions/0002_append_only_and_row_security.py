"""Append-only audit log and lead history; row-level security on PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables and policies as they were when this revision was written. They are
# copied, not imported from procura.access.rls, so that this migration does not
# change when the live module does (a later policy change is a new revision).
# Append-only tables: the app role may not change or delete their rows.
APPEND_ONLY = ("audit_log", "lead_events")
# Tables whose rows belong to an office's jurisdiction; each has a forced policy.
SCOPED_TABLES = (
    "leads",
    "lead_revisions",
    "lead_work",
    "lead_events",
    "measures",
    "lead_links",
    "shadow_leads",
)

_IN_SCOPE = (
    "(current_setting('procura.system', true) = 'on' OR {office} IN "
    "(SELECT c.descendant_id FROM office_closure c "
    "WHERE c.ancestor_id = current_setting('procura.office_id', true)))"
)
_LEAD_VISIBLE = "EXISTS (SELECT 1 FROM leads l WHERE l.id = {lead})"
_LEAD_OFFICE = "COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = leads.id), leads.office)"

# The row predicate (USING) of each scoped table.
READ_PREDICATES = {
    "leads": _IN_SCOPE.format(office=_LEAD_OFFICE),
    "lead_revisions": _LEAD_VISIBLE.format(lead="lead_revisions.lead_id"),
    # Routing rows (office, department, handler id) are readable so that the
    # leads predicate can see where each lead is; changing them is scoped.
    "lead_work": "true",
    "lead_events": f"({_IN_SCOPE.format(office='lead_events.office_id')} OR "
    f"{_LEAD_VISIBLE.format(lead='lead_events.lead_id')})",
    "measures": f"({_IN_SCOPE.format(office='measures.office_id')} OR "
    f"{_LEAD_VISIBLE.format(lead='measures.lead_id')})",
    "lead_links": f"({_LEAD_VISIBLE.format(lead='lead_links.from_lead_id')} OR "
    f"{_LEAD_VISIBLE.format(lead='lead_links.to_lead_id')})",
    # Leads of a candidate model version, kept as JSON records with their office.
    "shadow_leads": _IN_SCOPE.format(office="(shadow_leads.record ->> 'office')"),
}
WRITE_PREDICATES = dict(READ_PREDICATES, lead_work=_IN_SCOPE.format(office="lead_work.office_id"))


def policy_statements(table: str) -> list[str]:
    """The SQL that enables, forces and defines the policies of one scoped table.

    Reads, updates and deletes need the row in scope; a row may leave the scope
    by an update (a transfer or escalation hands it to another office), and
    inserts are checked by the service layer.
    """
    read, write = READ_PREDICATES[table], WRITE_PREDICATES[table]
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT USING ({read})",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK (true)",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({write}) WITH CHECK (true)",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({write})",
    ]


def drop_statements(table: str) -> list[str]:
    """The SQL that removes what ``policy_statements`` created."""
    return [
        f"DROP POLICY IF EXISTS {table}_{op} ON {table}" for op in ("select", "insert", "update", "delete")
    ] + [
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


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
