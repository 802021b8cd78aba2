"""The dashboard's aggregates, one function each, over the leads of the principal's jurisdiction.

The workbench draws its charts from these functions and the API serves them
at ``/api/v1/dashboard/...``, so a chart and the API always agree. Each bucket
carries the queue filter that lists exactly its leads (``filter``), which is
where a click on the chart leads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura import clock
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.access.rls import apply_scope
from procura.errors import InvalidInput
from procura.leads.orm import Lead
from procura.standard import regions
from procura.workflow.orm import LeadWork, Measure
from procura.workflow.queries import STAGES, stage_clause
from procura.workflow.scope import jurisdiction_filter

DIMENSIONS = {"model": Lead.model_id, "prong": Lead.prong, "status": Lead.status, "region": Lead.region_code}


@dataclass
class Bucket:
    """One bar, slice or stage: its key, how many leads, and the queue filter listing them."""

    key: str
    leads: int
    filter: dict[str, str]
    children: list[Bucket] = field(default_factory=list)
    name: str = ""


def _scoped(session: Session, principal: Principal, query: Any) -> Any:
    require_role(principal, LEAD_READERS, "read the dashboard")
    apply_scope(session, principal)
    query = query.outerjoin(LeadWork, LeadWork.lead_id == Lead.id)
    return query if principal.role == "system" else query.where(jurisdiction_filter(principal))


def breakdown(session: Session, principal: Principal) -> dict[str, list[Bucket]]:
    """Leads per model, prong, status, region (county code) and month (Beijing time), largest first
    (months in order), from one grouped scan of the jurisdiction's leads."""
    month = _beijing_month(session)
    columns = [*DIMENSIONS.values(), month]
    query = _scoped(session, principal, select(*columns, func.count()).select_from(Lead)).group_by(*columns)
    counts: dict[str, Counter[str]] = {by: Counter() for by in (*DIMENSIONS, "month")}
    for *keys, n in session.execute(query):
        for by, key in zip(counts, keys, strict=True):
            if key is not None:
                counts[by][str(key)] += int(n)
    result = {
        by: [Bucket(key, n, {by: key}) for key, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]
        for by, c in counts.items()
    }
    result["month"].sort(key=lambda b: b.key)
    return result


def leads_by(session: Session, principal: Principal, by: str) -> list[Bucket]:
    """Leads per model, prong, status, region (county code) or month (Beijing time), largest first."""
    if by not in (*DIMENSIONS, "month"):
        raise InvalidInput(f"by {by!r}: one of {', '.join([*DIMENSIONS, 'month'])}", {"field": "by"})
    return breakdown(session, principal)[by]


def _beijing_month(session: Session) -> Any:
    """SQL: the Beijing-time month (``2026-06``) of a lead's creation, on SQLite or PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", Lead.created_at), "YYYY-MM")
    # SQLite keeps UTC text; Beijing has had no daylight saving time since 1991.
    return func.strftime("%Y-%m", Lead.created_at, "+8 hours")


def region_tree(session: Session, principal: Principal, counties: list[Bucket] | None = None) -> list[Bucket]:
    """Leads over the GB/T 2260 tree: province, city, county, each with its name and queue filter
    (from ``counties``, the region buckets of ``breakdown``, when the caller has them)."""
    provinces: dict[str, Bucket] = {}
    for county in counties if counties is not None else leads_by(session, principal, "region"):
        code = county.key
        city_code, province_code = regions.city_code(code), regions.province_code(code)
        province = provinces.setdefault(
            province_code, Bucket(province_code, 0, {"region": province_code}, name=_name(province_code))
        )
        city = next((c for c in province.children if c.key == city_code), None)
        if city is None:
            city = Bucket(city_code, 0, {"region": city_code}, name=_name(city_code))
            province.children.append(city)
        province.leads += county.leads
        city.leads += county.leads
        if code != city_code:
            city.children.append(Bucket(code, county.leads, {"region": code}, name=_name(code)))
    return sorted(provinces.values(), key=lambda b: -b.leads)


def _name(code: str) -> str:
    return regions.name(code) or code


def funnel(session: Session, principal: Principal) -> list[Bucket]:
    """How many leads reached each stage: lead → accepted → measure → response → rectified → closed."""
    counts = [
        func.count().filter(stage_clause(stage)).label(stage) if stage != "lead" else func.count()
        for stage in STAGES
    ]
    row = session.execute(_scoped(session, principal, select(*counts).select_from(Lead))).one()
    return [
        Bucket(stage, int(n), {"stage": stage} if stage != "lead" else {})
        for stage, n in zip(STAGES, row, strict=True)
    ]


@dataclass
class OverdueMeasure:
    """A measure past its deadline with no response."""

    lead_id: str
    kind: str
    addressee: str
    deadline: date
    days_overdue: int
    office: str


def overdue_measures(
    session: Session, principal: Principal, today: date | None = None, limit: int = 100
) -> list[OverdueMeasure]:
    """Measures past their deadline without a response, the longest overdue first."""
    today = today or clock.today()
    query = _scoped(
        session,
        principal,
        select(Measure.lead_id, Measure.kind, Measure.addressee, Measure.deadline, Measure.office_id)
        .select_from(Lead)
        .join(Measure, Measure.lead_id == Lead.id),
    ).where(Measure.response_at.is_(None), Measure.deadline < today)
    rows = session.execute(query.order_by(Measure.deadline, Measure.id).limit(limit)).all()
    return [
        OverdueMeasure(lead, kind, addressee, deadline, (today - deadline).days, office)
        for lead, kind, addressee, deadline, office in rows
    ]
