"""Reading leads: filtered lists, one lead with its history, shadow-run comparisons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from procura.leads.orm import Lead, LeadRevision, ModelRun, RunFinding, ShadowLead


@dataclass(frozen=True)
class LeadFilter:
    """Filters of a lead list; a region ending in 0000 or 00 selects its province or city."""

    model: str | None = None
    prong: str | None = None
    region: str | None = None
    status: str | None = None


def region_clause(region: str):  # type: ignore[no-untyped-def]
    if len(region) == 6 and region.endswith("0000"):
        return Lead.region_code.startswith(region[:2])
    if len(region) == 6 and region.endswith("00"):
        return Lead.region_code.startswith(region[:4])
    return Lead.region_code == region


def _filtered(where: LeadFilter) -> Select[Lead]:
    query = select(Lead)
    if where.model:
        query = query.where(Lead.model_id == where.model)
    if where.prong:
        query = query.where(Lead.prong == where.prong)
    if where.region:
        query = query.where(region_clause(where.region))
    if where.status:
        query = query.where(Lead.status == where.status)
    return query


def list_leads(session: Session, where: LeadFilter = LeadFilter(), limit: int | None = None) -> list[Lead]:
    """Leads matching the filter, highest score first, then by id."""
    query = _filtered(where).order_by(Lead.score.desc(), Lead.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_leads(session: Session, where: LeadFilter = LeadFilter()) -> int:
    """How many leads match the filter."""
    return int(session.scalar(select(func.count()).select_from(_filtered(where).subquery())) or 0)


def get_lead(session: Session, ref: str) -> Lead | None:
    """A lead by id or by fingerprint (or an unambiguous fingerprint prefix of 8+ characters)."""
    lead = session.scalars(select(Lead).where(or_(Lead.id == ref, Lead.fingerprint == ref))).first()
    if lead is None and len(ref) >= 8:
        found = list(session.scalars(select(Lead).where(Lead.fingerprint.startswith(ref)).limit(2)))
        lead = found[0] if len(found) == 1 else None
    return lead


def revisions(session: Session, lead_id: str) -> list[LeadRevision]:
    """A lead's history, oldest first."""
    query = select(LeadRevision).where(LeadRevision.lead_id == lead_id).order_by(LeadRevision.id)
    return list(session.scalars(query))


def latest_run(session: Session, model_id: str, *, shadow: bool) -> ModelRun | None:
    """The most recent finished run of a model, current or shadow."""
    query = (
        select(ModelRun)
        .where(ModelRun.model_id == model_id, ModelRun.shadow == shadow, ModelRun.finished_at.is_not(None))
        .order_by(ModelRun.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def run_fingerprints(session: Session, run: ModelRun) -> set[str]:
    """Fingerprints of the leads a run found."""
    if run.shadow:
        return set(session.scalars(select(ShadowLead.fingerprint).where(ShadowLead.run_id == run.id)))
    return set(session.scalars(select(RunFinding.fingerprint).where(RunFinding.run_id == run.id)))


def shadow_leads(session: Session, run_id: int, fingerprints: Sequence[str]) -> list[ShadowLead]:
    """The stored shadow leads of a run with the given fingerprints."""
    query = select(ShadowLead).where(
        ShadowLead.run_id == run_id, ShadowLead.fingerprint.in_(list(fingerprints))
    )
    return list(session.scalars(query.order_by(ShadowLead.fingerprint)))


def leads_by_fingerprint(session: Session, fingerprints: Sequence[str]) -> list[Lead]:
    """Stored leads with the given fingerprints."""
    query = select(Lead).where(Lead.fingerprint.in_(list(fingerprints))).order_by(Lead.fingerprint)
    return list(session.scalars(query))
