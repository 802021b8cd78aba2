"""Reading leads: the queue with filters and pages, a lead page, its history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from procura.api.deps import CurrentPrincipal, SessionDep
from procura.api.schemas.common import ERRORS, MAX_OFFSET, PagePublic
from procura.api.schemas.leads import EventPublic, LeadDetailPublic, LeadSummaryPublic
from procura.workflow.queries import LeadFilter, get_lead, history, list_leads

router = APIRouter(
    prefix="/leads", tags=["leads 线索"], responses={s: ERRORS[s] for s in (401, 403, 404, 422)}
)


@router.get("", response_model=PagePublic[LeadSummaryPublic], summary="线索列表 Lead queue")
def queue(
    session: SessionDep,
    principal: CurrentPrincipal,
    model: str | None = None,
    prong: str | None = None,
    department: str | None = None,
    region: Annotated[str | None, Query(description="GB/T 2260 code; 330100 = city")] = None,
    office: str | None = None,
    status: str | None = None,
    severity: Literal["high", "medium", "low"] | None = None,
    min_score: Annotated[float | None, Query(ge=0)] = None,
    max_score: Annotated[float | None, Query(ge=0)] = None,
    overdue: bool | None = None,
    handler: str | None = None,
    month: Annotated[str | None, Query(description="created in this month, Beijing time: 2026-06")] = None,
    stage: Annotated[str | None, Query(description="reached this funnel stage: accepted, measure, …")] = None,
    sort: Literal["score", "newest", "oldest"] = "score",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PagePublic[LeadSummaryPublic]:
    """Leads in the caller's jurisdiction matching every filter given, highest score first."""
    filters = LeadFilter(
        model=model,
        prong=prong,
        department=department,
        region=region,
        office=office,
        status=status,
        min_score=min_score,
        max_score=max_score,
        severity=severity,
        overdue=overdue,
        handler=handler,
        month=month,
        stage=stage,
    )
    page = list_leads(session, principal, filters, limit=limit, offset=offset, sort=sort)
    return PagePublic[LeadSummaryPublic](
        items=[LeadSummaryPublic.model_validate(item) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{lead_id}", response_model=LeadDetailPublic, summary="线索详情 Lead page")
def lead_page(lead_id: str, session: SessionDep, principal: CurrentPrincipal) -> LeadDetailPublic:
    """The lead with its explanation, evidence keys, measures and look-back; personal data masked."""
    return LeadDetailPublic.model_validate(get_lead(session, principal, lead_id))


@router.get("/{lead_id}/history", response_model=list[EventPublic], summary="办理记录 History")
def lead_history(lead_id: str, session: SessionDep, principal: CurrentPrincipal) -> list[EventPublic]:
    """Every step of the lead, oldest first (append-only)."""
    return [EventPublic.model_validate(event) for event in history(session, principal, lead_id)]
