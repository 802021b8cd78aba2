"""Model runs and a lead's revisions: what each run found, for history and shadow comparisons.

Lists of leads and one lead's page are read through ``procura.workflow.queries``
(the one lead query, jurisdiction applied); this module reads run bookkeeping.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.leads.orm import Lead, LeadRevision, ModelRun, RunFinding, ShadowLead


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
