"""ORM tables of the lead store.

A lead is identified by its fingerprint (model id + anchor), so a re-run never
duplicates it. Model runs only ever write evidence, score and explanation (as a
new revision); the workflow alone changes ``status``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from procura.db import Base


class ModelRun(Base):
    """One execution of one model version over the warehouse."""

    __tablename__ = "model_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(String(80), index=True)
    model_version: Mapped[str] = mapped_column(String(20))
    shadow: Mapped[bool] = mapped_column(default=False)
    engine: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[date] = mapped_column(Date)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    leads_found: Mapped[int] = mapped_column(Integer, default=0)
    leads_new: Mapped[int] = mapped_column(Integer, default=0)
    leads_updated: Mapped[int] = mapped_column(Integer, default=0)


class Lead(Base):
    """A supervision lead, with every field of the export format."""

    __tablename__ = "leads"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    model_id: Mapped[str] = mapped_column(String(80), index=True)
    model_version: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    anchor: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    subject: Mapped[dict[str, Any]] = mapped_column(JSON)
    subject_entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    office: Mapped[str] = mapped_column(String(32), index=True)
    # The office handling the lead now: its workflow row's office, or ``office`` before it has
    # one. Kept by database triggers (migration 0011, ADR 0567); the queue's filter and the
    # row policy read it, never written by the application.
    handling_office: Mapped[str] = mapped_column(String(32), nullable=True)
    prong: Mapped[str] = mapped_column(String(20), index=True)
    measure: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    explanation_zh: Mapped[str] = mapped_column(Text)
    explanation_en: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(24), default="new", index=True)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("model_runs.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("model_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    # The queue's sort orders: a page walks the index and stops after offset + limit rows (ADR 0566).
    __table_args__ = (
        Index("ix_leads_score_order", score.desc(), id),
        Index("ix_leads_created_order", created_at, id),
        # An office's queue page is a range of one of these (ADR 0567).
        Index("ix_leads_handling_score", handling_office, score.desc(), id),
        Index("ix_leads_handling_created", handling_office, created_at, id),
    )


class LeadRevision(Base):
    """What a run found for a lead when it differed from before (append-only)."""

    __tablename__ = "lead_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("model_runs.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    change: Mapped[str] = mapped_column(String(20))  # created | evidence_changed
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    explanation_zh: Mapped[str] = mapped_column(Text)


class RunFinding(Base):
    """That a (current-version) run found the lead with this fingerprint.

    Unchanged leads are not rewritten by a re-run; this row is how the run
    still records them, so "the leads of the latest run" can be compared.
    """

    __tablename__ = "model_run_findings"

    run_id: Mapped[int] = mapped_column(ForeignKey("model_runs.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)


class ShadowLead(Base):
    """A lead found by a shadow (candidate) model version: kept apart, never listed."""

    __tablename__ = "shadow_leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("model_runs.id"), index=True)
    model_id: Mapped[str] = mapped_column(String(80), index=True)
    model_version: Mapped[str] = mapped_column(String(20))
    fingerprint: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
