"""Issue 11: the escalating office keeps reading (lead_readers, leads policy); look-back links.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 04:30:00

- ``lead_readers``: offices that keep reading a lead they no longer handle (the
  office that escalated it), back-filled from the ``escalate`` events.
- On PostgreSQL the ``leads`` read policy also lets a lead through to those
  offices and their superiors; measures, events and revisions follow the lead
  (their policies read "the lead is visible"). ``lead_readers`` itself is not
  scoped, so the policy needs no recursion through ``lead_events``.
- ``lead_links.measure_id``: a ``lookback`` link names the original's answered
  measure (ADR 0528).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied, not imported from procura.access.rls (a migration never changes with the live module).
_IN_SCOPE = (
    "((SELECT procura_is_system()) OR {office} IN "
    "(SELECT c.descendant_id FROM office_closure c "
    "WHERE c.ancestor_id = current_setting('procura.office_id', true)))"
)
_LEAD_OFFICE = "COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = leads.id), leads.office)"
OLD_LEADS_READ = _IN_SCOPE.format(office=_LEAD_OFFICE)
NEW_LEADS_READ = (
    f"({OLD_LEADS_READ} OR EXISTS (SELECT 1 FROM lead_readers r "
    f"WHERE r.lead_id = leads.id AND {_IN_SCOPE.format(office='r.office_id')}))"
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "lead_readers",
        sa.Column("lead_id", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"]),
        sa.PrimaryKeyConstraint("lead_id", "office_id"),
    )
    with op.batch_alter_table("lead_readers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_readers_office_id"), ["office_id"], unique=False)
    with op.batch_alter_table("lead_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("measure_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_lead_links_measure_id", "measures", ["measure_id"], ["id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The owner runs migrations; the policies are forced on it too, so read everything here.
        op.execute("SET LOCAL procura.system = 'on'")
    op.execute(
        "INSERT INTO lead_readers (lead_id, office_id, reason, at) "
        "SELECT lead_id, office_id, 'escalated', min(at) FROM lead_events WHERE action = 'escalate' "
        "GROUP BY lead_id, office_id"
    )
    if dialect == "postgresql":
        op.execute("DROP POLICY IF EXISTS leads_select ON leads")
        op.execute(f"CREATE POLICY leads_select ON leads FOR SELECT USING ({NEW_LEADS_READ})")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS leads_select ON leads")
        op.execute(f"CREATE POLICY leads_select ON leads FOR SELECT USING ({OLD_LEADS_READ})")
    with op.batch_alter_table("lead_links", schema=None) as batch_op:
        batch_op.drop_constraint("fk_lead_links_measure_id", type_="foreignkey")
        batch_op.drop_column("measure_id")
    with op.batch_alter_table("lead_readers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_readers_office_id"))
    op.drop_table("lead_readers")
