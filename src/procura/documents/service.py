"""Drafting a lead's document as a service: who may, which measure, the audit record.

Those who may record a measure on a lead may draft its documents
(``workflow.service.authorize(..., "act")``: case workers of the handling office
and department; once the lead has a handler, no other handler). The particulars come
from the lead's latest measure when one was recorded (addressee; and the issue
date and deadline when the document drafts that measure), else from the lead
and the configured default deadline of the kind's measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.clock import today as office_today
from procura.config import Settings
from procura.documents.drafting import RenderedDocument, draft
from procura.documents.kinds import DocumentError, get_kind, kind_for_measure
from procura.errors import InvalidInput, NotFound
from procura.workflow.deadlines import default_deadline
from procura.workflow.dossier import legal_basis
from procura.workflow.orm import Measure
from procura.workflow.service import authorize


@dataclass(frozen=True)
class DocumentRequest:
    """What to draft: a kind (default: the one for the measure), format, language, which measure."""

    kind: str | None = None
    fmt: str = "docx"
    lang: str = "zh"
    measure_id: int | None = None


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
    lead, _ = authorize(session, principal, lead_id, "act")
    measure = _measure(session, lead.id, request.measure_id)
    measure_kind = measure.kind if measure else lead.measure
    today = office_today()
    try:
        kind = get_kind(request.kind) if request.kind else kind_for_measure(measure_kind)
        # The measure's date and deadline belong to its own document, not to another kind drafted later.
        drafts_measure = measure is not None and measure.kind in kind.measures
        issued: date = measure.issued_at.date() if measure is not None and drafts_measure else today
        if measure is not None and drafts_measure:
            deadline = measure.deadline
        else:
            deadline = default_deadline(settings, kind.measures[0], issued) if kind.measures else None
        basis = [item.get(request.lang) or item["zh"] for item in legal_basis(lead)]
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
        raise InvalidInput(str(exc), {"field": "kind"}) from exc
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
