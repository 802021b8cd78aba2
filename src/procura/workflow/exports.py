"""Bulk export of leads, the analysts' permission: masked unless a purpose is given (ADR 0564).

The rows are the export format of spec/supervision-models.md (anchors, model
ids and keys unchanged, so evaluations read them as before); subject, details
and explanations are masked like the lead page unless a purpose is stated.
Only leads in the analyst's jurisdiction; every export is audited.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.policy import require_role
from procura.access.principal import Principal
from procura.access.purposes import check_purpose
from procura.leads.export import export_record
from procura.workflow.privacy import masked_lead
from procura.workflow.queries import LeadFilter, lead_records

EXPORTERS = ("analyst",)


def export_leads(
    session: Session, principal: Principal, where: LeadFilter, purpose: str | None = None
) -> list[dict[str, Any]]:
    """Export records of the leads in the principal's jurisdiction matching ``where``."""
    require_role(principal, EXPORTERS, "export leads")
    purpose = check_purpose(purpose) if purpose is not None else None
    records = []
    for lead in lead_records(session, principal, where):
        record = export_record(lead)
        if purpose is None:
            subject, details, zh, en = masked_lead(lead)
            record.update(subject=subject, details=details, explanation=zh)
            record.update(explanation_zh=zh, explanation_en=en)
        records.append(record)
    filters = {k: v for k, v in asdict(where).items() if v is not None}
    audit.record(
        session,
        principal,
        "lead.export",
        "lead",
        "bulk",
        purpose=purpose or "",
        details={"count": len(records), "masked": purpose is None, "filters": filters},
    )
    return records
