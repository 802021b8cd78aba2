"""The numbers of a governance report, gathered through the trend and lead service functions.

Everything is limited to the principal's jurisdiction and the period; nothing
here names a person (bodies are police units, operators and measure addressees).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.access.offices import office_name, parse_office_id
from procura.access.principal import Principal
from procura.config import Settings
from procura.leads.orm import Lead
from procura.standard import regions
from procura.trends.service import Alert, TrendResult, alerts, scope_prefix, trend
from procura.warehouse.connection import connect
from procura.warehouse.probes import has_table
from procura.workflow.orm import LeadWork, Measure
from procura.workflow.scope import jurisdiction_filter

REPORT_SERIES = ("cyber_defamation", "telecom_fraud", "pi_reports", "app_complaints", "pi_civil")
UNFILED = {
    "cyber_defamation": "offense_type IN ('online_defamation', 'online_insult')",
    "pi_reports": "offense_type = 'personal_info_infringement'",
}


@dataclass
class ReportFacts:
    """What the report says, as data (also the API's JSON)."""

    office: str
    office_name: str
    start: str
    end: str
    totals: dict[str, dict[str, Any]]
    monthly: dict[str, list[int]]
    periods: list[str]
    alerts: list[Alert]
    unfiled_bodies: list[dict[str, Any]]
    operators: list[dict[str, Any]]
    leads_by_model: dict[str, int]
    measures: dict[str, int]
    outcomes: dict[str, int]
    notes: list[str] = field(default_factory=list)
    # A report of one model or one class (``scope`` "model" or "class") adds what its leads show.
    scope: str = "office"
    scope_key: str = ""
    scope_title: str = ""
    focus: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Focus:
    """The leads a report is about: one model's (``model``) or one class's (``members``), or all."""

    scope: str = "office"
    key: str = ""
    title: str = ""
    model: str | None = None
    members: tuple[str, ...] | None = None

    def where(self) -> Any:
        """The SQL condition on ``Lead`` (None: every lead of the jurisdiction)."""
        if self.members is not None:
            return Lead.id.in_(self.members)
        if self.model is not None:
            return Lead.model_id == self.model
        return None


def _totals(result: TrendResult) -> tuple[int, list[int]]:
    monthly = [sum(r.counts[i] for r in result.rows) for i in range(len(result.periods))]
    return sum(monthly), monthly


def _bodies(
    settings: Settings, prefix: str, start: str, end: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    con = connect(settings, read_only=True)
    window = "CAST(? || '-01' AS DATE) AND CAST(? || '-01' AS DATE) + INTERVAL 1 MONTH - INTERVAL 1 DAY"
    try:
        unfiled: list[dict[str, Any]] = []
        for series, where in UNFILED.items():
            if not has_table(con, "police_reports"):
                break
            rows = con.execute(
                "SELECT police_unit, COUNT(*) AS n FROM police_reports"
                f" WHERE {where} AND NOT COALESCE(filed, FALSE) AND region_code LIKE ? || '%'"
                f" AND received_at BETWEEN {window} GROUP BY police_unit HAVING COUNT(*) >= 3"
                " ORDER BY n DESC, police_unit LIMIT 8",
                [prefix, start, end],
            ).fetchall()
            unfiled += [{"series": series, "body": b, "count": int(n)} for b, n in rows]
        operators = (
            []
            if not has_table(con, "app_reports")
            else con.execute(
                "SELECT COALESCE(operator_name, app_name) AS body, COUNT(*) AS n,"
                " COUNT(DISTINCT issue_type) AS kinds"
                f" FROM app_reports WHERE region_code LIKE ? || '%' AND reported_at BETWEEN {window}"
                " GROUP BY ALL HAVING COUNT(*) >= 3 ORDER BY n DESC, body LIMIT 8",
                [prefix, start, end],
            ).fetchall()
        )
    finally:
        con.close()
    unfiled.sort(key=lambda b: -b["count"])
    return unfiled, [{"body": b, "count": int(n), "issue_types": int(k)} for b, n, k in operators]


def _leads(
    session: Session, principal: Principal, start: str, end: str, focus: Focus | None = None
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    lo = pd.Period(start, freq="M").start_time
    hi = pd.Period(end, freq="M").end_time
    where = focus.where() if focus else None
    base = select(Lead.model_id, func.count()).outerjoin(LeadWork, LeadWork.lead_id == Lead.id)
    if principal.role != "system":
        base = base.where(jurisdiction_filter(principal))
    if where is not None:
        base = base.where(where)
    by_model = dict(session.execute(base.group_by(Lead.model_id).order_by(Lead.model_id)).all())
    measures = select(Measure.kind, Measure.response_outcome).where(Measure.issued_at.between(lo, hi))
    if principal.role != "system" or where is not None:
        measures = measures.join(Lead, Lead.id == Measure.lead_id).outerjoin(
            LeadWork, LeadWork.lead_id == Lead.id
        )
    if principal.role != "system":
        measures = measures.where(jurisdiction_filter(principal))
    if where is not None:
        measures = measures.where(where)
    rows = session.execute(measures).all()
    kinds = Counter(str(k) for k, _ in rows)
    outcomes = Counter(str(o or "pending") for _, o in rows)
    return {str(k): int(v) for k, v in by_model.items()}, dict(kinds), dict(outcomes)


def _focus(session: Session, principal: Principal, focus: Focus, start: str, end: str) -> dict[str, Any]:
    """What the model's or class's leads show: per month found, per county, the recurring
    addressees (bodies, not persons) and, for a class, its members."""
    lo = pd.Period(start, freq="M").start_time
    hi = pd.Period(end, freq="M").end_time
    query = select(Lead.id, Lead.region_code, Lead.target, Lead.status, Lead.created_at).outerjoin(
        LeadWork, LeadWork.lead_id == Lead.id
    )
    if principal.role != "system":
        query = query.where(jurisdiction_filter(principal))
    query = query.where(focus.where())
    if focus.members is None:  # a model's leads found in the period; a class is all its members
        query = query.where(Lead.created_at.between(lo, hi))
    rows = session.execute(query.order_by(Lead.id)).all()
    months = Counter(pd.Timestamp(r.created_at).strftime("%Y-%m") for r in rows if r.created_at)
    counties = Counter(str(r.region_code) for r in rows)
    targets = Counter(str(r.target) for r in rows if r.target)
    return {
        "leads": len(rows),
        "by_month": {m: months.get(m, 0) for m in (str(p) for p in pd.period_range(start, end, freq="M"))},
        "by_region": [
            {"region": code, "name": regions.name(code) or code, "count": n}
            for code, n in sorted(counties.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        ],
        "targets": [
            {"body": body, "count": n}
            for body, n in sorted(targets.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        ],
        "states": dict(sorted(Counter(str(r.status) for r in rows).items())),
        "members": [{"lead": r.id, "region": str(r.region_code), "status": str(r.status)} for r in rows]
        if focus.members is not None
        else [],
    }


def gather(
    settings: Settings,
    session: Session,
    principal: Principal,
    start: str,
    end: str,
    focus: Focus | None = None,
) -> ReportFacts:
    """The report's numbers for the principal's office over ``start``..``end`` (months, YYYY-MM),
    of every lead or of one model's or one class's (``focus``)."""
    office = principal.office_id or "330000-province"
    region, _ = parse_office_id(office)
    totals: dict[str, dict[str, Any]] = {}
    monthly: dict[str, list[int]] = {}
    periods = [str(p) for p in pd.period_range(start, end, freq="M")]
    for name in REPORT_SERIES:
        result = trend(settings, principal, name, level="county", start=start, end=end)
        total, months = _totals(result)
        totals[name] = {
            "zh": result.title_zh,
            "en": result.title_en,
            "total": total,
            "regions": len(result.rows),
        }
        monthly[name] = months if months else [0] * len(periods)
    found = [
        a for a in alerts(settings, principal, list(REPORT_SERIES), "county", end=end) if a.period >= start
    ]
    unfiled, operators = _bodies(settings, scope_prefix(principal), start, end)
    by_model, kinds, outcomes = _leads(session, principal, start, end, focus)
    facts = ReportFacts(
        office,
        office_name(region),
        start,
        end,
        totals,
        monthly,
        periods,
        found,
        unfiled,
        operators,
        by_model,
        kinds,
        outcomes,
    )
    if focus is not None and focus.scope != "office":
        facts.scope, facts.scope_key, facts.scope_title = focus.scope, focus.key, focus.title
        facts.focus = _focus(session, principal, focus, start, end)
        if not facts.focus["leads"]:
            facts.notes.append("所选范围内没有监督线索 no leads of this model or class in the period")
    if not any(t["total"] for t in totals.values()):
        facts.notes.append("所选期间没有数据 no records in the period")
    return facts
