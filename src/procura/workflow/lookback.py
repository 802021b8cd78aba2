"""回头看 (look-back): once a body answered a measure, does the problem recur there?

A lead is re-examined against every non-shadow run of its model on data newer
than the response (``as_of`` after the response date). ``recurred``: such a
run found another lead of the same model at the same body (same target, or
same subject entity). ``persists``: such a run found this very lead again.
``clear``: later runs found neither. ``pending``: no later run yet.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from procura.clock import local_date
from procura.leads.orm import Lead, ModelRun, RunFinding
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
                ModelRun.as_of > local_date(responded),
            )
        )
    )
    if not later:
        return Lookback(status="pending", responded_at=responded)
    same_body = [Lead.target == lead.target]
    if lead.subject_entity_id:
        same_body.append(Lead.subject_entity_id == lead.subject_entity_id)
    found = (
        select(Lead.id)
        .join(RunFinding, RunFinding.fingerprint == Lead.fingerprint)
        .where(RunFinding.run_id.in_(later), Lead.model_id == lead.model_id, or_(*same_body))
        .distinct()
        .order_by(Lead.id)
    )
    hits = list(session.scalars(found))
    others = [hit for hit in hits if hit != lead.id]
    status = "recurred" if others else "persists" if lead.id in hits else "clear"
    return Lookback(status=status, responded_at=responded, later_runs=len(later), recurrences=hits)
