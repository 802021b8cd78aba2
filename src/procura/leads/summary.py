"""Counts of leads by model, prong and region, for summaries and dashboards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.db import system_scope
from procura.leads.orm import Lead


@dataclass(frozen=True)
class LeadCount:
    """How many leads one (model, prong, city) has."""

    model_id: str
    prong: str
    city: str
    leads: int


def lead_counts(session: Session) -> list[LeadCount]:
    """Leads grouped by model, prong and city (region code ``XXXX00``), largest groups first."""
    city = func.substr(Lead.region_code, 1, 4).label("city")
    query = (
        select(Lead.model_id, Lead.prong, city, func.count().label("n"))
        .group_by(Lead.model_id, Lead.prong, city)
        .order_by(Lead.model_id, func.count().desc(), city)
    )
    return [LeadCount(m, p, f"{c}00", int(n)) for m, p, c, n in session.execute(query)]


def busiest_offices(session: Session, level: str = "county", limit: int = 7) -> list[str]:
    """The offices of ``level`` with most leads, most first (the demo picks its county here).

    Counting leads per office reveals nothing personal; on PostgreSQL it reads every row.
    """
    system_scope(session)
    rows = session.execute(
        select(Lead.office, func.count())
        .where(Lead.office.like(f"%-{level}"))
        .group_by(Lead.office)
        .order_by(func.count().desc(), Lead.office)
        .limit(limit)
    )
    return [office for office, _ in rows]
