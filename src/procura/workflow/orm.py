"""ORM tables of the workflow: where a lead stands, its history, measures and links.

The lead itself (``leads``) belongs to the lead store; the workflow keeps its
own row per lead (``lead_work``) for the handling office, department and
handler, and writes ``leads.status``. History (``lead_events``) is append-only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from procura.db import Base


class LeadWork(Base):
    """Who handles a lead now: office (after escalation/designation), department, handler."""

    __tablename__ = "lead_work"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(32), index=True)
    department: Mapped[str] = mapped_column(String(20))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dismiss_reason: Mapped[str | None] = mapped_column(String(20))
    triaged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LeadReader(Base):
    """An office that keeps reading a lead it no longer handles: the office that escalated it.

    Not under row security itself; the ``leads`` policy lets a lead through to the
    offices (and their superiors) listed here, and with it its measures, events and
    revisions (ADR 0528).
    """

    __tablename__ = "lead_readers"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LeadEvent(Base):
    """One transition or act on a lead: who, when, from, to, note (never rewritten)."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Measure(Base):
    """A supervision measure addressed to a body, with its deadline and the response."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    office_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    addressee: Mapped[str] = mapped_column(Text)
    requested: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="", server_default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadline: Mapped[date | None] = mapped_column(Date)
    response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_outcome: Mapped[str | None] = mapped_column(String(20))
    response_note: Mapped[str | None] = mapped_column(Text)


class LeadLink(Base):
    """Two leads that belong together, e.g. a criminal lead and the public-interest lead it spawned."""

    __tablename__ = "lead_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    to_lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A ``lookback`` link (recurring lead -> original) names the original's answered measure.
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id"))


class Notification(Base):
    """An in-app reminder for one user about one measure (deadline near, or passed); one per kind."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "measure_id", "kind", name="uq_notification"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), index=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"))
    kind: Mapped[str] = mapped_column(String(20))
    due: Mapped[date | None] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    """A message a mail or SMS gateway may pick up (none is built in): sent_at stays empty until it does."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), unique=True)
    recipient: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IssuedDocument(Base):
    """A finalised document of a measure: its register number, addressee and the files sent.

    Numbers are given by ``procura.documents.numbering`` when a document is
    finalised, per office, kind and year; rows are never updated or deleted
    (append-only trigger, ADR 0520), so a number is never reused.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("office_id", "kind", "year", "seq", name="uq_issued_documents_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_no: Mapped[str] = mapped_column(String(64), unique=True)
    office_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id"), index=True)
    addressee: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(4))
    deadline: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    docx: Mapped[bytes] = mapped_column(LargeBinary)
