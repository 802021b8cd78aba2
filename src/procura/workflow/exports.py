"""Bulk export of leads, the analysts' permission: masked unless a purpose is given (ADR 0564).

The rows are the export format of spec/supervision-models.md (anchors, model
ids and keys unchanged, so evaluations read them as before); subject, details
and explanations are masked like the lead page unless a purpose is stated.
Only leads in the analyst's jurisdiction; every export is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.policy import require_role
from procura.access.principal import Principal
from procura.access.purposes import check_purpose
from procura.access.rls import apply_scope
from procura.leads.export import export_record
from procura.leads.orm import Lead
from procura.leads.query import LeadFilter, region_clause
from procura.workflow.orm import LeadWork
from procura.workflow.privacy import masked_lead
from procura.workflow.scope import jurisdiction_filter

EXPORTERS = ("analyst",)


def export_leads(
    session: Session, principal: Principal, where: LeadFilter, purpose: str | None = None
) -> list[dict[str, Any]]:
    """Export records of the leads in the principal's jurisdiction matching ``where``."""
    require_role(principal, EXPORTERS, "export leads")
    apply_scope(session, principal)
    purpose = check_purpose(purpose) if purpose is not None else None
    query = select(Lead).outerjoin(LeadWork, LeadWork.lead_id == Lead.id)
    query = query.order_by(Lead.score.desc(), Lead.id)
    if principal.role != "system":
        query = query.where(jurisdiction_filter(principal))
    exact = ((Lead.model_id, where.model), (Lead.prong, where.prong), (Lead.status, where.status))
    for column, value in exact:
        if value:
            query = query.where(column == value)
    if where.region:
        query = query.where(region_clause(where.region))
    records = []
    for lead in session.scalars(query):
        record = export_record(lead)
        if purpose is None:
            subject, details, zh, en = masked_lead(lead)
            record.update(subject=subject, details=details, explanation=zh)
            record.update(explanation_zh=zh, explanation_en=en)
        records.append(record)
    audit.record(
        session,
        principal,
        "lead.export",
        "lead",
        "bulk",
        purpose=purpose or "",
        details={"count": len(records), "masked": purpose is None, "filters": where.__dict__},
    )
    return records
