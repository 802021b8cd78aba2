"""The register of issued documents: one row per finalised document, never rewritten.

A document number is taken from the register when a document is finalised:
sequence per issuing office, kind and year, starting at 1. Numbers are never
reused: rows are never deleted (append-only, ADR 0520), and the unique
constraint refuses a second document with a number already given.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from procura.db import Base


class IssuedDocument(Base):
    """A finalised document: its number, addressee, the measure it serves and the files sent."""

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
