"""Feedback on models: triage outcomes per model, office and month.

``precision`` is confirmed / (confirmed + dismissed): a lead is *confirmed*
once triage accepted it and it was not dismissed later; leads not yet triaged
do not count. The
*lead-to-measure rate* is the share of all leads on which a measure was issued.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access.policy import require_role
from procura.access.principal import Principal
from procura.access.rls import apply_scope
from procura.leads.orm import Lead
from procura.workflow.orm import LeadWork, Measure
from procura.workflow.scope import handling_office, jurisdiction_filter

STATS_ROLES = ("analyst", "department_head", "chief")


@dataclass
class ModelStats:
    """Counts and rates of one (model, office, month) bucket; ``office``/``month`` may be ``*``."""

    model_id: str
    office: str
    month: str
    leads: int = 0
    pending: int = 0
    confirmed: int = 0
    dismissed: int = 0
    with_measure: int = 0
    dismiss_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        """Confirmed share of triaged leads, None before any triage."""
        decided = self.confirmed + self.dismissed
        return round(self.confirmed / decided, 4) if decided else None

    @property
    def measure_rate(self) -> float | None:
        """Share of leads on which a measure was issued."""
        return round(self.with_measure / self.leads, 4) if self.leads else None

    def as_dict(self) -> dict[str, object]:
        """Plain values, rates included."""
        return {
            "model_id": self.model_id,
            "office": self.office,
            "month": self.month,
            "leads": self.leads,
            "pending": self.pending,
            "confirmed": self.confirmed,
            "dismissed": self.dismissed,
            "with_measure": self.with_measure,
            "dismiss_reasons": dict(self.dismiss_reasons),
            "precision": self.precision,
            "measure_rate": self.measure_rate,
        }


def model_stats(
    session: Session,
    principal: Principal,
    model: str | None = None,
    by_office: bool = True,
    by_month: bool = True,
) -> list[ModelStats]:
    """Stats of the leads in the principal's jurisdiction, grouped as asked, sorted."""
    require_role(principal, STATS_ROLES, "read model statistics")
    apply_scope(session, principal)
    measured = select(Measure.lead_id).distinct()
    query = select(
        Lead.model_id,
        handling_office(),
        Lead.created_at,
        Lead.status,
        LeadWork.dismiss_reason,
        LeadWork.triaged_at,
        Lead.id.in_(measured),
    ).outerjoin(LeadWork, LeadWork.lead_id == Lead.id)
    if principal.role != "system":
        query = query.where(jurisdiction_filter(principal))
    if model:
        query = query.where(Lead.model_id == model)
    buckets: dict[tuple[str, str, str], ModelStats] = {}
    reasons: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for model_id, office, created, status, reason, triaged, has_measure in session.execute(query):
        key = (
            model_id,
            office if by_office else "*",
            created.strftime("%Y-%m") if by_month and created is not None else "*",
        )
        stats = buckets.setdefault(key, ModelStats(*key))
        stats.leads += 1
        stats.with_measure += int(bool(has_measure))
        if status == "dismissed":
            stats.dismissed += 1
            reasons[key][reason or "other"] += 1
        elif triaged is None:
            stats.pending += 1
        else:
            stats.confirmed += 1
    for key, counter in reasons.items():
        buckets[key].dismiss_reasons = dict(sorted(counter.items()))
    return [buckets[key] for key in sorted(buckets)]
