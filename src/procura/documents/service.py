"""Drafting and finalising a lead's documents as a service: who may, which measure, the register.

Those who may record a measure on a lead may draft its documents
(``workflow.service.authorize(..., "act")``), and only once the lead was
accepted. A draft carries no number and says 草稿. :func:`finalise` issues the
measure's documents: one per addressee resolved from the evidence
(``addressees.yaml``), each with the next number of the office's register,
stored with its PDF and DOCX so that what was sent can be shown again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.clock import local_date, utcnow
from procura.clock import today as office_today
from procura.config import Settings
from procura.documents.addressees import resolve
from procura.documents.drafting import RenderedDocument, draft
from procura.documents.kinds import DocumentError, DocumentKind, get_kind, kind_for_measure
from procura.documents.numbering import format_number, next_seq
from procura.errors import InvalidInput, InvalidTransition, NotFound
from procura.leads.orm import Lead
from procura.warehouse.evidence import EvidenceRow, read_evidence
from procura.workflow.deadlines import default_deadline
from procura.workflow.dossier import legal_basis
from procura.workflow.orm import IssuedDocument, Measure
from procura.workflow.scope import load
from procura.workflow.service import authorize

# A document is drafted only for a lead the office has taken on (ADR 0521).
NOT_ACCEPTED = frozenset({"new", "dismissed", "transferred", "escalated"})


@dataclass(frozen=True)
class DocumentRequest:
    """What to draft: a kind (default: the one for the measure), format, language, which measure."""

    kind: str | None = None
    fmt: str = "docx"
    lang: str = "zh"
    measure_id: int | None = None
    addressee: str | None = None


def _measure(session: Session, lead_id: str, measure_id: int | None) -> Measure | None:
    query = select(Measure).where(Measure.lead_id == lead_id)
    if measure_id is not None:
        found = session.scalar(query.where(Measure.id == measure_id))
        if found is None:
            raise NotFound(f"measure {measure_id} of lead {lead_id} not found")
        return found
    return session.scalar(query.order_by(Measure.issued_at.desc(), Measure.id.desc()))


def _accepted(lead: Lead) -> None:
    if lead.status in NOT_ACCEPTED:
        raise InvalidTransition(
            f"线索未受理 lead {lead.id} is {lead.status}: documents are drafted only for accepted leads",
            {"status": lead.status},
        )


def addressees(lead: Lead, rows: list[EvidenceRow], measure: Measure | None, lang: str = "zh") -> list[str]:
    """The bodies the lead's documents go to.

    An addressee the handler named on the measure (other than the model's generic
    target) wins; else the bodies named in the evidence; else the target.
    """
    if measure is not None and measure.addressee and measure.addressee != lead.target:
        return [measure.addressee]
    found = resolve(lead.model_id, rows, lang)
    if found:
        return found
    return [(measure.addressee if measure else "") or lead.target or ""]


def _particulars(
    settings: Settings, kind: DocumentKind, measure: Measure | None, issued: date | None = None
) -> tuple[date, date | None]:
    """Issue date and deadline: the measure's own when the document drafts it, else defaults."""
    drafts_measure = measure is not None and measure.kind in kind.measures
    on = issued or (
        local_date(measure.issued_at) if measure is not None and drafts_measure else office_today()
    )
    if measure is not None and drafts_measure:
        deadline = measure.deadline
    else:
        deadline = default_deadline(settings, kind.measures[0], on) if kind.measures else None
    return on, deadline if kind.deadline_days or kind.deadline_months else None


def _render(
    settings: Settings,
    lead: Lead,
    rows: list[EvidenceRow],
    kind: DocumentKind,
    measure: Measure | None,
    fmt: str,
    lang: str,
    addressee: str,
    doc_no: str | None = None,
    issued: date | None = None,
) -> RenderedDocument:
    on, deadline = _particulars(settings, kind, measure, issued)
    # The handler's words belong to the measure's own document, not to another kind drafted later.
    own = measure if measure is not None and measure.kind in kind.measures else None
    try:
        return draft(
            lead,
            settings.warehouse_path,
            kind=kind.id,
            fmt=fmt,
            lang=lang,
            issued_on=on,
            addressee=addressee,
            deadline=deadline,
            doc_no=doc_no,
            model_basis=[item.get(lang) or item["zh"] for item in legal_basis(lead)],
            template_dirs=[settings.home / "templates"],
            findings=own.findings if own else "",
            requested=own.requested if own else "",
            rows=rows,
        )
    except DocumentError as exc:
        raise InvalidInput(str(exc), {"field": "kind"}) from exc


def _kind(request_kind: str | None, measure: Measure | None, lead: Lead) -> DocumentKind:
    try:
        return (
            get_kind(request_kind)
            if request_kind
            else kind_for_measure(measure.kind if measure else lead.measure)
        )
    except DocumentError as exc:
        raise InvalidInput(str(exc), {"field": "kind"}) from exc


def lead_document(
    session: Session, settings: Settings, principal: Principal, lead_id: str, request: DocumentRequest
) -> RenderedDocument:
    """A draft (草稿, no number) of a lead's document for one addressee, minimised; audited."""
    lead, _ = authorize(session, principal, lead_id, "act")
    _accepted(lead)
    measure = _measure(session, lead.id, request.measure_id)
    kind = _kind(request.kind, measure, lead)
    try:
        rows = read_evidence(settings.warehouse_path, lead.evidence)
    except DocumentError as exc:
        raise InvalidInput(str(exc), {"field": "evidence"}) from exc
    addressee = request.addressee or addressees(lead, rows, measure, request.lang)[0]
    document = _render(settings, lead, rows, kind, measure, request.fmt, request.lang, addressee)
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


def finalise(
    session: Session,
    settings: Settings,
    principal: Principal,
    lead_id: str,
    measure_id: int | None = None,
    lang: str = "zh",
) -> list[IssuedDocument]:
    """Issue the documents of a lead's measure, one per addressee, each with its register number.

    Finalising a measure twice returns the documents issued the first time: a
    number, once given, belongs to its document for good.
    """
    lead, work = authorize(session, principal, lead_id, "act")
    _accepted(lead)
    measure = _measure(session, lead.id, measure_id)
    if measure is None:
        raise InvalidTransition(f"lead {lead.id} has no measure: record one (act) before finalising")
    issued = list(
        session.scalars(
            select(IssuedDocument).where(IssuedDocument.measure_id == measure.id).order_by(IssuedDocument.id)
        )
    )
    if issued:
        return issued
    kind = _kind(None, measure, lead)
    try:
        rows = read_evidence(settings.warehouse_path, lead.evidence)
    except DocumentError as exc:
        raise InvalidInput(str(exc), {"field": "evidence"}) from exc
    now = utcnow()
    today = local_date(now)
    for addressee in addressees(lead, rows, measure, lang):
        seq = next_seq(session, work.office_id, kind.id, today.year)
        number = format_number(work.office_id, work.department, kind, today.year, seq)
        pdf, docx = (
            _render(settings, lead, rows, kind, measure, fmt, lang, addressee, number, today)
            for fmt in ("pdf", "docx")
        )
        record = IssuedDocument(
            doc_no=number,
            office_id=work.office_id,
            kind=kind.id,
            year=today.year,
            seq=seq,
            lead_id=lead.id,
            measure_id=measure.id,
            addressee=pdf.content.addressee,
            lang=lang,
            deadline=measure.deadline,
            issued_at=now,
            issued_by=principal.user_id or None,
            pdf_sha256=hashlib.sha256(pdf.data).hexdigest(),
            pdf=pdf.data,
            docx=docx.data,
        )
        session.add(record)
        session.flush()
        issued.append(record)
        audit.record(
            session,
            principal,
            "document.finalise",
            "document",
            str(record.id),
            details={
                "doc_no": number,
                "lead_id": lead.id,
                "measure_id": measure.id,
                "addressee": record.addressee,
            },
            at=now,
        )
    return issued


def issued_documents(session: Session, principal: Principal, lead_id: str) -> list[IssuedDocument]:
    """The register entries of a lead the principal may read."""
    lead, _ = load(session, principal, lead_id)
    return list(
        session.scalars(
            select(IssuedDocument).where(IssuedDocument.lead_id == lead.id).order_by(IssuedDocument.id)
        )
    )
