"""The dashboard's aggregates, the same functions the workbench's charts are drawn from."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter

from procura.api.deps import CurrentPrincipal, SessionDep
from procura.api.schemas.common import ERRORS
from procura.workflow import dashboard

router = APIRouter(
    prefix="/dashboard", tags=["dashboard 统计"], responses={s: ERRORS[s] for s in (401, 403, 422)}
)


@router.get("/leads", summary="线索分布 Leads by model, prong, status, region or month")
def leads_by(
    session: SessionDep,
    principal: CurrentPrincipal,
    by: Literal["model", "prong", "status", "region", "month"] = "model",
) -> list[dict[str, Any]]:
    """Counts of the jurisdiction's leads, each with the queue filter that lists them."""
    return [asdict(b) for b in dashboard.leads_by(session, principal, by)]


@router.get("/regions", summary="地区分布 Leads over the region tree")
def regions(session: SessionDep, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Province → city → county (GB/T 2260) with names and counts."""
    return [asdict(b) for b in dashboard.region_tree(session, principal)]


@router.get("/funnel", summary="办理漏斗 Funnel lead → accepted → measure → response → rectified → closed")
def funnel(session: SessionDep, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """How many leads reached each stage."""
    return [asdict(b) for b in dashboard.funnel(session, principal)]


@router.get("/overdue", summary="逾期措施 Overdue measures")
def overdue(session: SessionDep, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Measures past their deadline without a response, the longest overdue first."""
    return [asdict(m) for m in dashboard.overdue_measures(session, principal)]
