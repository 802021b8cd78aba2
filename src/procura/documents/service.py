"""Drafting a lead's document as a service: who may, which measure, the audit record.

Those who may act on a lead may draft its documents: a case worker (handler,
department head, chief) of the office handling it and of its department, and
a plain handler only when the lead is assigned to them. The particulars come
from the lead's latest measure when one was recorded (addressee, deadline,
issue date), else from the lead and the configured default deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.clock import utcnow
from procura.access.errors import Forbidden, NotFound, ValidationError
from procura.access.policy import require_department, require_role
from procura.access.principal import Principal
from procura.config import Settings
from procura.documents.drafting import RenderedDocument, draft
from procura.documents.kinds import DocumentError, get_kind, kind_for_measure
from procura.workflow.deadlines import default_deadline
from procura.workflow.dossier import legal_basis
from procura.workflow.lifecycle import CASE_WORKERS
from procura.workflow.orm import LeadWork, Measure
from procura.workflow.scope import load

ACTION = "draft documents"


@dataclass(frozen=True)
class DocumentRequest:
    """What to draft: a kind (default: the one for the measure), format, language, which measure."""

    kind: str | None = None
    fmt: str = "docx"
    lang: str = "zh"
    measure_id: int | None = None


def _require_drafter(principal: Principal, work: LeadWork, lead_id: str) -> None:
    require_role(principal, CASE_WORKERS, ACTION)
    if principal.role != "system" and principal.office_id != work.office_id:
        raise Forbidden(
            f"非承办院 {ACTION}: lead {lead_id} is handled by {work.office_id}, not {principal.office_id}",
            {"action": ACTION, "office": work.office_id},
        )
    require_department(principal, work.department, ACTION)
    if principal.role == "handler" and work.handler_id != principal.user_id:
        raise Forbidden(
            f"非承办人 {ACTION}: lead {lead_id} is not assigned to {principal.username}", {"action": ACTION}
        )


def _measure(session: Session, lead_id: str, measure_id: int | None) -> Measure | None:
    query = select(Measure).where(Measure.lead_id == lead_id)
    if measure_id is not None:
        found = session.scalar(query.where(Measure.id == measure_id))
        if found is None:
            raise NotFound(f"measure {measure_id} of lead {lead_id} not found")
        return found
    return session.scalar(query.order_by(Measure.issued_at.desc(), Measure.id.desc()))


def lead_document(
    session: Session, settings: Settings, principal: Principal, lead_id: str, request: DocumentRequest
) -> RenderedDocument:
    """The formal document of a lead's measure, minimised; the drafting is audited."""
    lead, work = load(session, principal, lead_id)
    _require_drafter(principal, work, lead.id)
    measure = _measure(session, lead.id, request.measure_id)
    measure_kind = measure.kind if measure else lead.measure
    today = utcnow().date()
    try:
        kind = get_kind(request.kind) if request.kind else kind_for_measure(measure_kind)
        issued: date = measure.issued_at.date() if measure else today
        deadline = measure.deadline if measure else default_deadline(settings, measure_kind, issued)
        basis = [item.get(request.lang) or item["zh"] for item in legal_basis(lead.model_id)]
        document = draft(
            lead,
            settings.warehouse_path,
            kind=kind.id,
            fmt=request.fmt,
            lang=request.lang,
            issued_on=issued,
            addressee=measure.addressee if measure else None,
            deadline=deadline if kind.deadline_days or kind.deadline_months else None,
            model_basis=basis,
            template_dirs=[settings.home / "templates"],
        )
    except DocumentError as exc:
        raise ValidationError(str(exc), {"field": "kind"}) from exc
    audit.record(
        session,
        principal,
        "lead.document",
        "lead",
        lead.id,
        details={
            "kind": kind.id,
            "format": request.fmt,
            "lang": request.lang,
            "measure_id": measure.id if measure else None,
        },
    )
    return document
