"""The one way to read leads: the queue with filters and pages, a lead page, history, overdue.

Every interface (API, pages, CLI, exports, evaluation) reads leads here, with one
filter type, ``LeadFilter``, and the principal's jurisdiction applied; unattended
jobs read as ``SYSTEM``. A region filter selects the region and everything below
it in the GB/T 2260 tree, so ``330100`` (杭州市) selects its districts and counties.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime, time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from procura import clock
from procura.access import audit
from procura.access.orm import User
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.access.rls import apply_scope
from procura.errors import InvalidInput
from procura.leads.orm import Lead
from procura.standard import regions
from procura.workflow import counts
from procura.workflow.lifecycle import STATES
from procura.workflow.lookback import lookback
from procura.workflow.orm import LeadEvent, LeadLink, LeadWork, Measure
from procura.workflow.privacy import masked_lead, masked_subject_name
from procura.workflow.scope import handling_office, jurisdiction_list_filter, load
from procura.workflow.views import SEVERITY, EventView, LeadDetail, LeadSummary, Lookback, MeasureView, Page

MAX_PAGE = 500
# Queue orders: the most likely first, or by age.
SORTS: dict[str, tuple[Any, ...]] = {
    "score": (Lead.score.desc(), Lead.id),
    "newest": (Lead.created_at.desc(), Lead.id),
    "oldest": (Lead.created_at.asc(), Lead.id),
}
# Stages of the funnel a lead has reached (the dashboard counts them, the queue filters by them).
STAGES = ("lead", "accepted", "measure", "response", "rectified", "closed")


@dataclass
class LeadFilter:
    """Lead filters; every field is optional. ``region`` is a six-digit GB/T 2260 code."""

    model: str | None = None
    prong: str | None = None
    department: str | None = None
    region: str | None = None
    office: str | None = None
    status: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    overdue: bool | None = None
    handler: str | None = None
    severity: str | None = None
    month: str | None = None  # ``2026-06``: created in that month, Beijing time
    stage: str | None = None  # one of STAGES: reached that stage of the funnel


def _severity_clause(band: str):  # type: ignore[no-untyped-def]
    if band not in SEVERITY:
        raise InvalidInput(f"severity {band!r}: one of {', '.join(SEVERITY)}", {"field": "severity"})
    low, high = SEVERITY[band]
    clauses = ([Lead.score >= low] if low is not None else []) + (
        [Lead.score < high] if high is not None else []
    )
    return and_(*clauses)


def _region_clause(code: str):  # type: ignore[no-untyped-def]
    if len(code) != 6 or not code.isdigit():
        raise InvalidInput(
            f"region {code!r}: a six-digit GB/T 2260 code (330100 = 杭州市)", {"field": "region"}
        )
    return Lead.region_code.in_(sorted(regions.within(code)))


def _overdue_clause(today: date):  # type: ignore[no-untyped-def]
    return exists().where(Measure.lead_id == Lead.id, Measure.response_at.is_(None), Measure.deadline < today)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The UTC moments a Beijing-time month (``2026-06``) starts and ends."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidInput(f"month {month!r}: YYYY-MM", {"field": "month"}) from None
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    start, end = (datetime.combine(d, time(), clock.OFFICE_TZ) for d in (first, after))
    return clock.as_utc(start), clock.as_utc(end)


def _month_clause(month: str):  # type: ignore[no-untyped-def]
    start, end = month_bounds(month)
    return and_(Lead.created_at >= start, Lead.created_at < end)


def stage_clause(stage: str):  # type: ignore[no-untyped-def]
    """SQL: the lead reached ``stage`` of the funnel (accepted once, a measure issued, answered ...)."""
    clauses = {
        "lead": Lead.id.isnot(None),
        "accepted": exists().where(LeadEvent.lead_id == Lead.id, LeadEvent.action == "accept"),
        "measure": exists().where(Measure.lead_id == Lead.id),
        "response": exists().where(Measure.lead_id == Lead.id, Measure.response_at.isnot(None)),
        "rectified": exists().where(Measure.lead_id == Lead.id, Measure.response_outcome == "rectified"),
        "closed": Lead.status == "closed",
    }
    if stage not in clauses:
        raise InvalidInput(f"stage {stage!r}: one of {', '.join(STAGES)}", {"field": "stage"})
    return clauses[stage]


def _query(  # type: ignore[no-untyped-def]
    session: Session, principal: Principal, f: LeadFilter, today: date, sort: str = "score"
):
    """SELECT (Lead, LeadWork, handler name) in the jurisdiction, filtered, in ``sort`` order."""
    require_role(principal, LEAD_READERS, "read leads")
    apply_scope(session, principal)
    if f.status is not None and f.status not in STATES:
        raise InvalidInput(f"status {f.status!r}: one of {', '.join(STATES)}", {"field": "status"})
    if sort not in SORTS:
        raise InvalidInput(f"sort {sort!r}: one of {', '.join(SORTS)}", {"field": "sort"})
    query = (
        select(Lead, LeadWork, User.username)
        .outerjoin(LeadWork, LeadWork.lead_id == Lead.id)
        .outerjoin(User, User.id == LeadWork.handler_id)
    )
    if principal.role != "system":
        query = query.where(jurisdiction_list_filter(session, principal))
    conditions = {
        "model": lambda v: Lead.model_id == v,
        "prong": lambda v: Lead.prong == v,
        "department": lambda v: func.coalesce(LeadWork.department, Lead.prong) == v,
        "region": _region_clause,
        "office": lambda v: handling_office() == v,
        "status": lambda v: Lead.status == v,
        "min_score": lambda v: Lead.score >= v,
        "max_score": lambda v: Lead.score <= v,
        "handler": lambda v: User.username == v,
        "overdue": lambda v: _overdue_clause(today) if v else ~_overdue_clause(today),
        "severity": _severity_clause,
        "month": _month_clause,
        "stage": stage_clause,
    }
    for name, build in conditions.items():
        value = getattr(f, name)
        if value is not None:
            query = query.where(build(value))
    return query.order_by(*SORTS[sort])


def list_leads(
    session: Session,
    principal: Principal,
    filters: LeadFilter | None = None,
    limit: int = 50,
    offset: int = 0,
    today: date | None = None,
    sort: str = "score",
) -> Page:
    """Leads in the principal's jurisdiction matching ``filters``, highest score first (or ``sort``)."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be 1-{MAX_PAGE} and offset >= 0", {"field": "limit"})
    today = today or clock.today()
    query = _query(session, principal, filters or LeadFilter(), today, sort)
    scope = (
        str(session.get_bind().engine.url),
        principal.office_id,
        principal.role == "system",
        astuple(filters or LeadFilter()),
        today,
    )
    total = counts.totals.get(
        scope, lambda: session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    )
    rows = session.execute(summary_rows(query).limit(limit).offset(offset)).all()
    deadlines = _open_deadlines(session, [row.id for row in rows])
    items = [_summary(row, deadlines.get(row.id), today) for row in rows]
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def lead_records(
    session: Session, principal: Principal, filters: LeadFilter | None = None, limit: int | None = None
) -> list[Lead]:
    """The stored leads (every field, for exports and evaluation) in the jurisdiction, highest score first."""
    query = _query(session, principal, filters or LeadFilter(), clock.today())
    if limit is not None:
        query = query.limit(limit)
    return [lead for lead, _, _ in session.execute(query)]


def find_lead(session: Session, principal: Principal, ref: str) -> Lead:
    """A lead by id or fingerprint (or an unambiguous fingerprint prefix of 8+ characters)."""
    lead_id = session.scalars(select(Lead.id).where(or_(Lead.id == ref, Lead.fingerprint == ref))).first()
    if lead_id is None and len(ref) >= 8:
        found = list(session.scalars(select(Lead.id).where(Lead.fingerprint.startswith(ref)).limit(2)))
        lead_id = found[0] if len(found) == 1 else None
    return load(session, principal, lead_id or ref)[0]


def _open_deadlines(session: Session, lead_ids: list[str]) -> dict[str, date | None]:
    if not lead_ids:
        return {}
    rows = session.execute(
        select(Measure.lead_id, func.min(Measure.deadline))
        .where(Measure.lead_id.in_(lead_ids), Measure.response_at.is_(None))
        .group_by(Measure.lead_id)
    )
    return {lead_id: deadline for lead_id, deadline in rows}


# What a queue row shows of a lead: no evidence, parameters, legal basis or explanations,
# and plain rows rather than ORM objects (ADR 0567: a third of a queue page's CPU was
# building objects and decoding JSON the page never showed).
SUMMARY_COLUMNS = (
    Lead.id,
    Lead.model_id,
    Lead.prong,
    Lead.office,
    Lead.region_code,
    Lead.status,
    Lead.score,
    Lead.measure,
    Lead.target,
    Lead.created_at,
    Lead.subject,
    Lead.details,
    LeadWork.department.label("work_department"),
    LeadWork.office_id.label("work_office"),
    User.username.label("handler"),
)


def summary_rows(query):  # type: ignore[no-untyped-def]
    """``query`` (from ``_query``) selecting only the columns of a queue row."""
    return query.with_only_columns(*SUMMARY_COLUMNS)


def _as_row(lead: Lead, work: LeadWork | None, handler: str | None) -> Any:
    """A loaded lead as a queue row (the lead page's summary is the queue's)."""
    values = {column.key: getattr(lead, column.key) for column in SUMMARY_COLUMNS[:12]}
    return SimpleNamespace(
        **values,
        work_department=work.department if work else None,
        work_office=work.office_id if work else None,
        handler=handler,
    )


def _summary(row: Any, deadline: date | None, today: date) -> LeadSummary:
    return LeadSummary(
        id=row.id,
        model_id=row.model_id,
        prong=row.prong,
        department=row.work_department or row.prong,
        office=row.work_office or row.office,
        region_code=row.region_code,
        status=row.status,
        score=row.score,
        measure=row.measure,
        target=row.target,
        handler=row.handler,
        created_at=row.created_at,
        overdue=deadline is not None and deadline < today,
        deadline=deadline,
        subject=masked_subject_name(row.model_id, row.subject, row.details),
    )


def measure_view(measure: Measure, issued_by: str | None, today: date) -> MeasureView:
    """A measure as interfaces show it."""
    overdue = measure.response_at is None and measure.deadline is not None and measure.deadline < today
    return MeasureView(
        id=measure.id,
        kind=measure.kind,
        addressee=measure.addressee,
        requested=measure.requested,
        issued_at=measure.issued_at,
        issued_by=issued_by,
        deadline=measure.deadline,
        response_at=measure.response_at,
        response_outcome=measure.response_outcome,
        response_note=measure.response_note,
        overdue=overdue,
    )


def get_lead(session: Session, principal: Principal, lead_id: str, today: date | None = None) -> LeadDetail:
    """A lead page, sensitive data masked; the read is audited."""
    lead, work = load(session, principal, lead_id)
    today = today or clock.today()
    # The handler may be a user of another office that row security hides (an office reading a
    # lead it escalated sees who handles it only when that user is in its chain).
    handler_user = session.get(User, work.handler_id) if work.handler_id else None
    handler = handler_user.username if handler_user is not None else None
    measures = [
        measure_view(m, name, today)
        for m, name in session.execute(
            select(Measure, User.username)
            .outerjoin(User, User.id == Measure.issued_by)
            .where(Measure.lead_id == lead.id)
            .order_by(Measure.issued_at, Measure.id)
        )
    ]
    open_deadline = min((m.deadline for m in measures if m.response_at is None and m.deadline), default=None)
    links = [
        {
            "lead_id": link.to_lead_id if link.from_lead_id == lead.id else link.from_lead_id,
            "kind": link.kind,
            "direction": "to" if link.from_lead_id == lead.id else "from",
            **({"measure_id": str(link.measure_id)} if link.measure_id is not None else {}),
        }
        for link in session.scalars(
            select(LeadLink)
            .where((LeadLink.from_lead_id == lead.id) | (LeadLink.to_lead_id == lead.id))
            .order_by(LeadLink.id)
        )
    ]
    subject, details, explanation_zh, explanation_en = masked_lead(lead)
    audit.record_at_commit(session, principal, "lead.read", "lead", lead.id)
    return LeadDetail(
        summary=_summary(_as_row(lead, work, handler), open_deadline, today),
        model_version=lead.model_version,
        params=dict(lead.params or {}),
        anchor=list(lead.anchor or []),
        evidence=list(lead.evidence or []),
        subject=subject,
        explanation_zh=explanation_zh,
        explanation_en=explanation_en,
        details=details,
        dismiss_reason=work.dismiss_reason,
        measures=measures,
        links=links,
        # No answered measure, no look-back (the measures are loaded already: one query less).
        lookback=(
            lookback(session, lead)
            if any(m.response_at is not None for m in measures)
            else Lookback(status="not_applicable")
        ),
    )


def history(session: Session, principal: Principal, lead_id: str) -> list[EventView]:
    """Every step of the lead, oldest first."""
    lead, _ = load(session, principal, lead_id)
    return [
        EventView(
            id=e.id,
            at=e.at,
            actor=e.actor,
            office_id=e.office_id,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
            data=dict(e.data or {}),
        )
        for e in session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead.id).order_by(LeadEvent.id))
    ]


def overdue(session: Session, principal: Principal, today: date | None = None) -> list[LeadSummary]:
    """Leads in the jurisdiction with a measure past its deadline and no response."""
    return list_leads(session, principal, LeadFilter(overdue=True), limit=MAX_PAGE, today=today).items
