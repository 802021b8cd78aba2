"""Issue 10: the office handling a lead kept on the lead, with the queue's indexes on it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:00:00

Before this revision the handling office of a lead was computed per row —
``COALESCE((SELECT office_id FROM lead_work …), leads.office)`` — in the queue's
filter and in the ``leads`` row policy, so a page walked the whole score index
and looked up ``lead_work`` for every row of every office until it had found
``offset + limit`` of its own (30 ms of PostgreSQL per county page over 5,000
leads; ADR 0567). Now:

- ``leads.handling_office`` holds that value; triggers keep it equal to the
  workflow row's office (any write of ``lead_work.office_id``, by the ORM, Core
  or SQL) or, without one, to the lead's own office. On PostgreSQL the
  ``lead_work`` trigger is a definer function (it mirrors one column the row
  policy of ``lead_work`` already let the caller write).
- indexes ``(handling_office, score DESC, id)`` and ``(handling_office,
  created_at, id)``: an office's page is a range of one index.
- the ``leads`` row policies read the column instead of the sub-select.
- ``office_closure (descendant_id, ancestor_id)``: the ``users`` policy looks up an
  office's superiors, a sequential scan of the closure per query before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied, not imported from procura.access.rls (a migration never changes with the live module).
_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp SET procura.system = 'on'"
_IN_SCOPE = (
    "((SELECT procura_is_system()) OR {office} IN "
    "(SELECT c.descendant_id FROM office_closure c "
    "WHERE c.ancestor_id = current_setting('procura.office_id', true)))"
)
_READERS = (
    "EXISTS (SELECT 1 FROM lead_readers r WHERE r.lead_id = leads.id AND "
    + _IN_SCOPE.format(office="r.office_id")
    + ")"
)
_OLD_OFFICE = "COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = leads.id), leads.office)"
POLICIES = {
    # policy: (USING before, USING after)
    "leads_select": (
        f"({_IN_SCOPE.format(office=_OLD_OFFICE)} OR {_READERS})",
        f"({_IN_SCOPE.format(office='leads.handling_office')} OR {_READERS})",
    ),
    "leads_update": (_IN_SCOPE.format(office=_OLD_OFFICE), _IN_SCOPE.format(office="leads.handling_office")),
    "leads_delete": (_IN_SCOPE.format(office=_OLD_OFFICE), _IN_SCOPE.format(office="leads.handling_office")),
}
_COMMANDS = {"leads_select": "SELECT", "leads_update": "UPDATE", "leads_delete": "DELETE"}

PG_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION procura_lead_handling() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.handling_office := COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = NEW.id), NEW.office);
  RETURN NEW;
END $$""",
    "CREATE TRIGGER leads_handling BEFORE INSERT OR UPDATE OF office ON leads "
    "FOR EACH ROW EXECUTE FUNCTION procura_lead_handling()",
    f"""CREATE OR REPLACE FUNCTION procura_work_handling() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
  UPDATE leads SET handling_office = NEW.office_id
  WHERE id = NEW.lead_id AND handling_office IS DISTINCT FROM NEW.office_id;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER lead_work_handling AFTER INSERT OR UPDATE OF office_id ON lead_work "
    "FOR EACH ROW EXECUTE FUNCTION procura_work_handling()",
]
_SQLITE_LEAD = (
    "UPDATE leads SET handling_office = "
    "COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = NEW.id), NEW.office) WHERE id = NEW.id"
)
_SQLITE_WORK = "UPDATE leads SET handling_office = NEW.office_id WHERE id = NEW.lead_id"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER leads_handling_insert AFTER INSERT ON leads BEGIN {_SQLITE_LEAD}; END",
    f"CREATE TRIGGER leads_handling_update AFTER UPDATE OF office ON leads BEGIN {_SQLITE_LEAD}; END",
    f"CREATE TRIGGER lead_work_handling_insert AFTER INSERT ON lead_work BEGIN {_SQLITE_WORK}; END",
    "CREATE TRIGGER lead_work_handling_update AFTER UPDATE OF office_id ON lead_work "
    f"BEGIN {_SQLITE_WORK}; END",
]


def _policies(which: int) -> None:
    for name, predicates in POLICIES.items():
        op.execute(f"DROP POLICY IF EXISTS {name} ON leads")
        command = _COMMANDS[name]
        check = " WITH CHECK (true)" if command == "UPDATE" else ""
        op.execute(f"CREATE POLICY {name} ON leads FOR {command} USING ({predicates[which]}){check}")


def upgrade() -> None:
    """Apply this revision."""
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handling_office", sa.String(length=32), nullable=True))
    if dialect == "postgresql":
        # The owner runs migrations; the policies are forced on it too, so write everything here.
        op.execute("SET LOCAL procura.system = 'on'")
    op.execute(
        "UPDATE leads SET handling_office = "
        "COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = leads.id), leads.office)"
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_leads_handling_score", ["handling_office", sa.text("score DESC"), "id"], unique=False
        )
        batch_op.create_index(
            "ix_leads_handling_created", ["handling_office", "created_at", "id"], unique=False
        )
    with op.batch_alter_table("office_closure", schema=None) as batch_op:
        batch_op.create_index("ix_office_closure_descendant", ["descendant_id", "ancestor_id"], unique=False)
    for statement in PG_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
    if dialect == "postgresql":
        _policies(1)


def downgrade() -> None:
    """Revert this revision."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _policies(0)
        op.execute("DROP TRIGGER IF EXISTS lead_work_handling ON lead_work")
        op.execute("DROP TRIGGER IF EXISTS leads_handling ON leads")
        op.execute("DROP FUNCTION IF EXISTS procura_work_handling()")
        op.execute("DROP FUNCTION IF EXISTS procura_lead_handling()")
    else:
        for name in ("leads_handling_insert", "leads_handling_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name in ("lead_work_handling_insert", "lead_work_handling_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("office_closure", schema=None) as batch_op:
        batch_op.drop_index("ix_office_closure_descendant")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_handling_created")
        batch_op.drop_index("ix_leads_handling_score")
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of ``leads`` would break the
    # foreign keys of the workflow rows that point at it.
    op.execute("ALTER TABLE leads DROP COLUMN handling_office")
