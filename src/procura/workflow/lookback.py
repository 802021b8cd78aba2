"""回头看 (look-back): once a body answered a measure, does the problem recur there?

A lead is re-examined against every non-shadow run of its model on data newer
than the response (``as_of`` after the response date). The problem recurs when
such a run found a lead of the same model at the same body (same target, or
same subject entity), or changed this lead's own evidence.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from procura.leads.orm import Lead, LeadRevision, ModelRun
from procura.workflow.orm import Measure
from procura.workflow.views import Lookback


def lookback(session: Session, lead: Lead) -> Lookback:
    """The look-back state of ``lead`` (computed on read from later model runs)."""
    responded = session.scalar(
        select(Measure.response_at)
        .where(Measure.lead_id == lead.id, Measure.response_at.is_not(None))
        .order_by(Measure.response_at.desc())
    )
    if responded is None:
        return Lookback(status="not_applicable")
    later = list(
        session.scalars(
            select(ModelRun.id).where(
                ModelRun.model_id == lead.model_id,
                ModelRun.shadow.is_(False),
                ModelRun.as_of > responded.date(),
            )
        )
    )
    if not later:
        return Lookback(status="pending", responded_at=responded)
    same_body = [Lead.target == lead.target]
    if lead.subject_entity_id:
        same_body.append(Lead.subject_entity_id == lead.subject_entity_id)
    others = (
        select(Lead.id)
        .where(
            Lead.model_id == lead.model_id,
            Lead.id != lead.id,
            or_(*same_body),
            or_(Lead.first_run_id.in_(later), Lead.last_run_id.in_(later)),
        )
        .order_by(Lead.id)
    )
    recurrences = list(session.scalars(others))
    own = session.scalar(
        select(LeadRevision.id).where(
            LeadRevision.lead_id == lead.id, LeadRevision.run_id.in_(later), LeadRevision.change != "created"
        )
    )
    if own is not None:
        recurrences.insert(0, lead.id)
    return Lookback(
        status="recurred" if recurrences else "clear",
        responded_at=responded,
        later_runs=len(later),
        recurrences=recurrences,
    )
