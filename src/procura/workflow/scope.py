"""Finding a lead the principal may see, and the SQL filter of their jurisdiction."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from procura.access.offices import jurisdiction_query
from procura.access.policy import in_jurisdiction, require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.access.rls import apply_scope
from procura.clock import utcnow
from procura.errors import NotFound
from procura.leads.orm import Lead
from procura.workflow.counts import UNCHANGED
from procura.workflow.orm import LeadReader, LeadWork


def work_of(session: Session, lead: Lead) -> LeadWork:
    """The lead's workflow row, created on first use from the model's office and prong.

    Two first reads of a lead may race: the row is inserted with ``ON CONFLICT
    DO NOTHING`` (SQLite and PostgreSQL), so the loser reads the winner's row.
    """
    work = session.get(LeadWork, lead.id)
    if work is None:
        dialect = session.get_bind().dialect.name
        insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
        row = insert(LeadWork).values(
            lead_id=lead.id, office_id=lead.office, department=lead.prong, updated_at=utcnow()
        )
        # Same office and department as the lead's own: no queue total changes (procura.workflow.counts).
        statement = row.on_conflict_do_nothing(index_elements=["lead_id"])  # type: ignore[attr-defined]
        session.execute(statement.execution_options(**{UNCHANGED: True}))
        work = session.get(LeadWork, lead.id, populate_existing=True)
        assert work is not None
    return work


def load(session: Session, principal: Principal, lead_id: str) -> tuple[Lead, LeadWork]:
    """The lead and its workflow row; NotFound when missing or outside the jurisdiction."""
    require_role(principal, LEAD_READERS, "read leads")
    apply_scope(session, principal)
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"线索不存在 lead {lead_id} not found")
    work = session.get(LeadWork, lead.id)
    office = work.office_id if work is not None else lead.office
    if not in_jurisdiction(principal, office) and not escalated_by(session, principal, lead.id):
        raise NotFound(f"线索不存在 lead {lead_id} not found")
    loaded = lead, work if work is not None else work_of(session, lead)
    # The session's identity map holds objects weakly: keep the last lead loaded alive, so the
    # page's next reads of it (the workbench's lead page loads it seven times) need no query.
    session.info[_LAST_LOADED] = loaded
    return loaded


_LAST_LOADED = "procura_last_loaded"


def escalated_by(session: Session, principal: Principal, lead_id: str) -> bool:
    """True when an office in the principal's jurisdiction escalated the lead (ADR 0524, 0528).

    That office keeps reading the lead's later course; on PostgreSQL the ``leads``
    row policy lets the lead through on the same ``lead_readers`` row. Acting
    stays with the handling office (``service.check_actor``).
    """
    if not principal.office_id:
        return False
    found = session.scalar(
        select(LeadReader.office_id).where(
            LeadReader.lead_id == lead_id,
            LeadReader.office_id.in_(jurisdiction_query(principal.office_id)),
        )
    )
    return found is not None


def handling_office() -> ColumnElement[str]:
    """SQL: the office now handling a lead (kept on the lead by triggers, ADR 0567)."""
    return Lead.handling_office.expression


def jurisdiction_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL: leads whose handling office lies in the principal's jurisdiction."""
    return handling_office().in_(jurisdiction_query(principal.office_id))


def jurisdiction_list_filter(session: Session, principal: Principal) -> ColumnElement[bool]:
    """``jurisdiction_filter`` with the offices read first and listed in the SQL.

    For the queue: with a list the planner estimates an office's rows from the
    column's statistics and walks ``ix_leads_handling_score``; behind an ``IN
    (SELECT …)`` it guessed a handful of rows and chose plans that scanned every
    workflow row per lead once the table grew (ADR 0567).
    """
    return handling_office().in_(list(session.scalars(jurisdiction_query(principal.office_id))))
