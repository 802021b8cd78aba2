"""The exchange as a service: an agency uploads batches, reads its documents and replies; the
handler verifies a reply before the lead can close.

Uploads go through the one ingest service (``procura.ingest.service.ingest``),
so a file is loaded whole or not at all and every set-aside row has its reason.
Every refusal (table not allowed, another agency's document, bad attachment,
reply after close) changes nothing and is audited (:func:`keys.refuse`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.access.rls import apply_scope
from procura.clock import local_date, utcnow
from procura.clock import today as office_today
from procura.config import Settings
from procura.db import set_scope
from procura.documents.kinds import get_kind
from procura.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from procura.exchange import attachments
from procura.exchange.keys import refuse
from procura.exchange.orm import Agency, ExchangeBatch, Reply
from procura.ingest.quarantine import list_entries
from procura.ingest.readers import file_format
from procura.ingest.service import ingest
from procura.leads.orm import Lead
from procura.workflow import service as workflow
from procura.workflow.lifecycle import TERMINAL
from procura.workflow.orm import IssuedDocument, LeadWork, Measure
from procura.workflow.scope import load

REASON_FIELDS = ("row", "field", "reason", "value")


def _agency(session: Session, principal: Principal) -> Agency:
    agency = session.get(Agency, principal.agency_id) if principal.role == "agency" else None
    if agency is None:
        raise Forbidden("仅限协作单位 only an agency's API key may use the exchange")
    return agency


def receipt(batch: ExchangeBatch) -> dict[str, Any]:
    """What the sender gets back: batch id, content hash, counts and per-row reasons."""
    return {
        "batch_id": batch.id,
        "table": batch.table_name,
        "filename": batch.filename,
        "content_sha256": batch.content_sha256,
        "received_at": batch.received_at.isoformat(),
        "status": batch.status,
        **batch.counts,
        "reasons": batch.reasons,
    }


def reasons_csv(batch: ExchangeBatch) -> str:
    """The per-row reasons of a batch as CSV (row, field, reason, value)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(REASON_FIELDS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(batch.reasons)
    return out.getvalue()


def upload(
    session: Session, settings: Settings, principal: Principal, table: str, filename: str, data: bytes
) -> ExchangeBatch:
    """Load one file of ``table`` sent by the agency; the same file again returns the same receipt."""
    agency = _agency(session, principal)
    if table not in agency.tables:
        refuse(
            session,
            principal,
            "upload",
            agency.id,
            Forbidden(
                f"无权报送此表 agency {agency.id} may not send table {table!r} "
                f"(allowed: {', '.join(agency.tables)})",
                {"field": "table"},
            ),
        )
    suffix = Path(filename).suffix.lower()
    if file_format(Path(f"x{suffix}")) is None:
        refuse(
            session,
            principal,
            "upload",
            agency.id,
            InvalidInput(f"文件类型不支持 {filename!r}: send CSV, XLSX, JSONL or Parquet", {"field": "file"}),
        )
    digest = hashlib.sha256(data).hexdigest()
    known = session.scalar(
        select(ExchangeBatch).where(
            ExchangeBatch.agency_id == agency.id,
            ExchangeBatch.table_name == table,
            ExchangeBatch.content_sha256 == digest,
        )
    )
    if known is not None:
        audit.record(session, principal, "exchange.upload", "batch", known.id, details={"repeat": True})
        return known
    folder = settings.home / "exchange" / re.sub(r"[^A-Za-z0-9_-]", "_", agency.id) / digest[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}{suffix}"
    path.write_bytes(data)
    result = ingest(settings, path).files[0]
    batch_id = result.batch_id or f"{table}-rejected-{digest[:8]}"
    reasons = [
        {k: entry[k] for k in ("row", "field", "reason", "value")}
        for entry in (list_entries(settings, batch=result.batch_id, limit=100_000) if result.batch_id else [])
    ]
    if result.status == "rejected":
        reasons = [{"row": None, "field": None, "reason": result.message, "value": None}]
    batch = ExchangeBatch(
        id=f"{agency.id}:{batch_id}"[:64],
        agency_id=agency.id,
        table_name=table,
        filename=Path(filename).name[:200],
        content_sha256=digest,
        received_at=utcnow(),
        status=result.status,
        counts={
            k: int(getattr(result, k)) for k in ("read", "stored", "updated", "unchanged", "quarantined")
        },
        reasons=reasons,
    )
    session.add(batch)
    session.flush()
    audit.record(
        session,
        principal,
        "exchange.upload",
        "batch",
        batch.id,
        details={"status": result.status, **batch.counts},
    )
    return batch


def agency_of(session: Session, principal: Principal) -> Agency:
    """The agency a key acts for (Forbidden for anyone else)."""
    return _agency(session, principal)


def batches(session: Session, principal: Principal, limit: int = 50) -> list[ExchangeBatch]:
    """The agency's own receipts, newest first."""
    agency = _agency(session, principal)
    query = (
        select(ExchangeBatch)
        .where(ExchangeBatch.agency_id == agency.id)
        .order_by(ExchangeBatch.received_at.desc(), ExchangeBatch.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def get_batch(session: Session, principal: Principal, batch_id: str) -> ExchangeBatch:
    """One of the agency's own receipts."""
    agency = _agency(session, principal)
    batch = session.get(ExchangeBatch, batch_id)
    if batch is None or batch.agency_id != agency.id:
        raise NotFound(f"batch {batch_id!r} not found")
    return batch


def _addressed(session: Session, agency: Agency) -> list[IssuedDocument]:
    query = (
        select(IssuedDocument).where(IssuedDocument.addressee.in_(agency.names)).order_by(IssuedDocument.id)
    )
    return list(session.scalars(query))


def _issuer_scope(session: Session, doc: IssuedDocument) -> None:
    """Read a document's lead and measure in the scope of the office that issued it.

    The register itself is not under row security; the lead and measure are. An
    agency has no office: its key reads them as the issuing office would (that
    office keeps reading a lead it escalated later, ADR 0528) — never the system
    scope, which the app role cannot take on PostgreSQL (ADR 0570).
    """
    set_scope(session, doc.office_id)


def document_view(session: Session, doc: IssuedDocument) -> dict[str, Any]:
    """A document as the agency sees it, with its replies and whether the lead is still open."""
    _issuer_scope(session, doc)
    lead = session.get(Lead, doc.lead_id)
    replies = session.scalars(select(Reply).where(Reply.document_id == doc.id).order_by(Reply.id))
    return {
        "id": doc.id,
        "doc_no": doc.doc_no,
        "kind": doc.kind,
        "title": get_kind(doc.kind).title[doc.lang],
        "addressee": doc.addressee,
        "issued_on": local_date(doc.issued_at).isoformat(),
        "deadline": doc.deadline.isoformat() if doc.deadline else None,
        "pdf_sha256": doc.pdf_sha256,
        "open": lead is not None and lead.status not in TERMINAL,
        "replies": [reply_view(r) for r in replies],
    }


def reply_view(reply: Reply) -> dict[str, Any]:
    """A reply without its attachment's bytes."""
    return {
        "id": reply.id,
        "document_id": reply.document_id,
        "response_date": reply.response_date.isoformat(),
        "correction": reply.correction,
        "attachment": {
            "name": reply.attachment_name,
            "type": reply.attachment_type,
            "sha256": reply.attachment_sha256,
        },
        "received_at": reply.received_at.isoformat(),
        "verdict": reply.verdict,
        "verdict_reasons": reply.verdict_reasons,
    }


def documents(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """The finalised documents addressed to the agency, newest last."""
    return [document_view(session, d) for d in _addressed(session, _agency(session, principal))]


def document(
    session: Session, principal: Principal, document_id: int, action: str = "read"
) -> IssuedDocument:
    """One document addressed to the agency; another agency's is refused (audited)."""
    agency = _agency(session, principal)
    doc = session.get(IssuedDocument, document_id)
    if doc is None:
        refuse(session, principal, action, str(document_id), NotFound(f"document {document_id} not found"))
    if doc.addressee not in agency.names:
        refuse(
            session,
            principal,
            action,
            str(document_id),
            Forbidden(
                f"非本单位文书 document {doc.doc_no} is addressed to another body", {"document": document_id}
            ),
        )
    # The lead and measure are read (and answered) in the issuing office's scope (ADR 0570).
    set_scope(session, doc.office_id)
    audit.record(session, principal, f"exchange.document.{action}", "document", str(doc.id))
    return doc


def reply(
    session: Session,
    settings: Settings,
    principal: Principal,
    document_id: int,
    response_date: date,
    correction: str,
    attachment_name: str,
    attachment: bytes,
) -> Reply:
    """The agency's dated reply to a document, with the correction it made and an attachment."""
    doc = document(session, principal, document_id, "reply")
    target = str(document_id)
    _issuer_scope(session, doc)
    lead = session.get(Lead, doc.lead_id)
    measure = session.get(Measure, doc.measure_id) if doc.measure_id else None
    if lead is None or measure is None or lead.status in TERMINAL or measure.response_at is not None:
        refuse(
            session,
            principal,
            "reply",
            target,
            InvalidTransition(
                f"已办结 the measure of {doc.doc_no} is already answered or its lead closed: no further reply"
            ),
        )
    if response_date > office_today() or response_date < local_date(doc.issued_at):
        refuse(
            session,
            principal,
            "reply",
            target,
            InvalidInput(
                f"回复日期无效 response_date {response_date} must lie between the issue date and today",
                {"field": "response_date"},
            ),
        )
    if not correction.strip():
        refuse(
            session,
            principal,
            "reply",
            target,
            InvalidInput("须说明整改情况 state the correction made", {"field": "correction"}),
        )
    try:
        checked = attachments.check(attachment_name, attachment, settings.exchange_max_attachment)
    except InvalidInput as exc:
        refuse(session, principal, "reply", target, exc)
    row = Reply(
        document_id=doc.id,
        measure_id=measure.id,
        agency_id=principal.agency_id,
        response_date=response_date,
        correction=correction.strip()[:4000],
        attachment_name=Path(checked.name).name[:200],
        attachment_type=checked.media_type,
        attachment_sha256=checked.sha256,
        attachment=checked.data,
        received_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "exchange.reply",
        "document",
        target,
        details={"reply_id": row.id, "sha256": checked.sha256, "response_date": response_date.isoformat()},
    )
    return row


def replies(session: Session, principal: Principal, lead_id: str) -> list[dict[str, Any]]:
    """The agencies' replies on a lead the principal may read."""
    lead, _ = load(session, principal, lead_id)
    rows = session.scalars(
        select(Reply)
        .join(Measure, Measure.id == Reply.measure_id)
        .where(Measure.lead_id == lead.id)
        .order_by(Reply.id)
    )
    return [reply_view(r) for r in rows]


def reply_attachment(session: Session, principal: Principal, lead_id: str, reply_id: int) -> Reply:
    """A reply on a lead the principal may read, with its attachment (the read is audited)."""
    lead, _ = load(session, principal, lead_id)
    row = session.get(Reply, reply_id)
    measure = session.get(Measure, row.measure_id) if row is not None else None
    if row is None or measure is None or measure.lead_id != lead.id:
        raise NotFound(f"reply {reply_id} not found on lead {lead_id}")
    audit.record(session, principal, "exchange.attachment.read", "reply", str(row.id))
    return row


def verify(
    session: Session, principal: Principal, reply_id: int, rectified: bool, reasons: str = ""
) -> Reply:
    """The handler's verdict on a reply: rectified, or not with reasons; it records the response."""
    row = session.get(Reply, reply_id)
    doc = session.get(IssuedDocument, row.document_id) if row is not None else None
    if row is None or doc is None:
        raise NotFound(f"reply {reply_id} not found")
    # The lead in the principal's scope first (on PostgreSQL this also sets the row-security scope).
    load(session, principal, doc.lead_id)
    measure = session.get(Measure, row.measure_id)
    if measure is None:
        raise NotFound(f"reply {reply_id} not found")
    if row.verdict is not None:
        raise InvalidTransition(f"reply {reply_id} was already verified ({row.verdict})")
    if not rectified and not reasons.strip():
        raise InvalidInput("未整改须说明理由 not rectified needs reasons", {"field": "reasons"})
    if measure.response_at is not None:
        raise InvalidTransition(f"reply {reply_id}: its measure {measure.id} was already answered")
    workflow.respond(
        session, principal, measure.lead_id, rectified, reasons or row.correction, measure_id=measure.id
    )
    row.verified_at, row.verified_by = utcnow(), principal.user_id or None
    row.verdict, row.verdict_reasons = ("rectified" if rectified else "not_rectified"), reasons
    return row


def pending_replies(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Agencies' replies not yet verified on leads the principal's office and department handle."""
    apply_scope(session, principal)
    query = (
        select(Reply, Measure, IssuedDocument)
        .join(Measure, Measure.id == Reply.measure_id)
        .join(IssuedDocument, IssuedDocument.id == Reply.document_id)
        .join(LeadWork, LeadWork.lead_id == Measure.lead_id)
        .where(Reply.verdict.is_(None), LeadWork.office_id == principal.office_id)
        .order_by(Reply.id)
    )
    if principal.role != "chief":
        query = query.where(LeadWork.department == principal.department)
    return [
        {**reply_view(reply), "lead_id": measure.lead_id, "doc_no": doc.doc_no, "addressee": doc.addressee}
        for reply, measure, doc in session.execute(query).all()
    ]
