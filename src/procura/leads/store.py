"""The lead store: saving a run's leads idempotently, with history.

A lead is matched by fingerprint. A new one is inserted with a ``created``
revision; an existing one whose findings changed gets the new values and an
``evidence_changed`` (or ``updated``) revision; an unchanged one is left alone.
``status`` belongs to the workflow and is never written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura import clock
from procura.leads.orm import Lead, LeadRevision, ModelRun, RunFinding, ShadowLead
from procura.leads.record import LeadRecord

# Lead fields a run may rewrite (everything a model computes; never status).
_FINDINGS = (
    "model_version", "params", "evidence", "subject", "target", "region_code", "office",
    "prong", "measure", "score", "explanation_zh", "explanation_en", "details", "legal_basis",
)


@dataclass(frozen=True)
class RunOutcome:
    """What one model run did to the store."""

    run_id: int
    model_id: str
    model_version: str
    shadow: bool
    found: int
    new: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.found - self.new - self.updated


def _values(record: LeadRecord) -> dict[str, Any]:
    data = record.as_dict()
    data["subject_entity_id"] = record.subject_entity_id
    return {k: data[k] for k in (*_FINDINGS, "subject_entity_id")}


def start_run(
    session: Session, model_id: str, version: str, engine: str, as_of: date,
    params: dict[str, Any], *, shadow: bool = False,
) -> ModelRun:
    """Record the start of a model run."""
    run = ModelRun(
        model_id=model_id, model_version=version, shadow=shadow, engine=engine, as_of=as_of, params=params,
    )
    session.add(run)
    session.flush()
    return run


def _revision(lead: Lead, run: ModelRun, change: str) -> LeadRevision:
    return LeadRevision(
        lead_id=lead.id, run_id=run.id, change=change, evidence=lead.evidence, params=lead.params,
        score=lead.score, explanation_zh=lead.explanation_zh,
    )


def save_leads(session: Session, run: ModelRun, leads: Sequence[LeadRecord]) -> RunOutcome:
    """Store a current-version run's leads: insert new ones, revise changed ones."""
    fps = [lead.fingerprint for lead in leads]
    existing: dict[str, Lead] = {}
    for start in range(0, len(fps), 500):
        chunk = fps[start : start + 500]
        query = select(Lead).where(Lead.fingerprint.in_(chunk))
        existing.update({lead.fingerprint: lead for lead in session.scalars(query)})
    new = updated = 0
    for record in leads:
        values = _values(record)
        lead = existing.get(record.fingerprint)
        if lead is None:
            lead = Lead(
                id=record.lead_id, fingerprint=record.fingerprint, model_id=record.model_id,
                anchor=record.anchor, status="new", first_run_id=run.id, last_run_id=run.id, **values,
            )
            session.add(lead)
            session.add(_revision(lead, run, "created"))
            new += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(lead, k) != v}
            if changed:
                change = "evidence_changed" if "evidence" in changed else "updated"
                for key, value in changed.items():
                    setattr(lead, key, value)
                lead.last_run_id = run.id
                session.add(_revision(lead, run, change))
                updated += 1
        session.add(RunFinding(run_id=run.id, fingerprint=record.fingerprint))
    run.leads_found, run.leads_new, run.leads_updated = len(leads), new, updated
    run.finished_at = clock.utcnow()
    session.flush()
    return RunOutcome(run.id, run.model_id, run.model_version, False, len(leads), new, updated)


def save_shadow(session: Session, run: ModelRun, leads: Sequence[LeadRecord]) -> RunOutcome:
    """Store a shadow run's leads apart from the lead store."""
    for record in leads:
        session.add(
            ShadowLead(
                run_id=run.id, model_id=record.model_id, model_version=record.model_version,
                fingerprint=record.fingerprint, record=record.as_dict(),
            )
        )
    run.leads_found = len(leads)
    run.finished_at = clock.utcnow()
    session.flush()
    return RunOutcome(run.id, run.model_id, run.model_version, True, len(leads), len(leads), 0)
