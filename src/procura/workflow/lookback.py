"""回头看 (look-back): once a body answered a measure, does the problem recur there?

A lead is re-examined against every non-shadow run of its model on data newer
than the response (``as_of`` after the response date: the agency's own dated
reply when it came through the exchange). ``recurred``: such a run found
another lead of the same model about the same subject entity (ADR 0523) — never
by the generic target text, which every lead to "the court" shares, and never a
lead on the same anchor (a linked lead spawned in another prong). ``persists``:
such a run found this very lead again. ``clear``: later runs found neither.
``pending``: no later run yet.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from procura.clock import local_date
from procura.exchange.orm import Reply
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
    stated = session.scalar(
        select(func.max(Reply.response_date))
        .join(Measure, Measure.id == Reply.measure_id)
        .where(Measure.lead_id == lead.id, Reply.verdict.is_not(None))
    )
    since = stated or local_date(responded)
    later = list(
        session.scalars(
            select(ModelRun.id).where(
                ModelRun.model_id == lead.model_id,
                ModelRun.shadow.is_(False),
                ModelRun.as_of > since,
            )
        )
    )
    if not later:
        return Lookback(status="pending", responded_at=responded)
    same_subject = Lead.id == lead.id
    if lead.subject_entity_id:
        same_subject = or_(same_subject, Lead.subject_entity_id == lead.subject_entity_id)
    found = (
        select(Lead.id, Lead.anchor)
        .join(RunFinding, RunFinding.fingerprint == Lead.fingerprint)
        .where(RunFinding.run_id.in_(later), Lead.model_id == lead.model_id, same_subject)
        .distinct()
        .order_by(Lead.id)
    )
    rows = session.execute(found).all()
    hits = [hit for hit, anchor in rows if hit == lead.id or anchor != lead.anchor]
    others = [hit for hit in hits if hit != lead.id]
    status = "recurred" if others else "persists" if lead.id in hits else "clear"
    return Lookback(status=status, responded_at=responded, later_runs=len(later), recurrences=hits)
