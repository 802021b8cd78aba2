"""Similar-case search, trends with alerts, and the governance report."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from procura.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from procura.api.schemas.common import ERRORS
from procura.reports.service import governance_facts, governance_report, report_name
from procura.similar.service import search
from procura.trends.counts import all_series
from procura.trends.service import alerts, trend

router = APIRouter(tags=["analysis 类案与趋势"], responses={s: ERRORS[s] for s in (401, 403, 404, 422)})
Month = Annotated[str | None, Query(description="YYYY-MM", max_length=7)]


@router.get("/similar", summary="类案检索 Similar-case search")
def similar(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    record: Annotated[str | None, Query(description="table:key, e.g. police_reports:PR-0000001")] = None,
    lead: Annotated[str | None, Query(description="lead id")] = None,
    text: Annotated[str | None, Query(description="free text")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """The records most similar to a record, a lead or free text in your jurisdiction, with reasons."""
    return search(
        settings, principal, record=record, lead_id=lead, text=text, limit=limit, session=session
    ).to_dict()


@router.get("/trends/series", summary="趋势序列 Trend series")
def series(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The series that can be counted and their dimensions."""
    return [
        {"name": s.name, "zh": s.zh, "en": s.en, "dimensions": list(s.dimensions)}
        for s in all_series().values()
    ]


@router.get("/trends/alerts", summary="趋势预警 Trend alerts")
def trend_alerts(
    settings: SettingsDep,
    principal: CurrentPrincipal,
    series: Annotated[list[str] | None, Query()] = None,
    level: Annotated[str, Query(pattern="^(province|city|county)$")] = "county",
    end: Month = None,
) -> list[dict[str, Any]]:
    """Region-series whose counts rose against their own history (Poisson CUSUM + exact test)."""
    return [asdict(a) for a in alerts(settings, principal, series or None, level, end=end)]


@router.get("/trends/{name}", summary="趋势 Monthly counts of a series")
def trend_counts(
    name: str,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    level: Annotated[str, Query(pattern="^(province|city|county)$")] = "city",
    by: str | None = None,
    start: Month = None,
    end: Month = None,
) -> dict[str, Any]:
    """Monthly counts per region (and dimension) in your jurisdiction."""
    return trend(settings, principal, name, level, by, start, end).to_dict()


@router.get("/reports/governance", summary="社会治理报告 Governance report (PDF or JSON)")
def governance(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    start: Annotated[str, Query(description="YYYY-MM", max_length=7)],
    end: Annotated[str, Query(description="YYYY-MM", max_length=7)],
    format: Annotated[str, Query(pattern="^(pdf|json)$")] = "pdf",
    model: Annotated[str | None, Query(description="only this model's leads", max_length=100)] = None,
    class_id: Annotated[
        str | None, Query(alias="class", description="only this class's members (K-…)", max_length=40)
    ] = None,
) -> Response:
    """Your office's governance data report for the period, of every lead or of one model or class."""
    if format == "json":
        facts = governance_facts(settings, session, principal, start, end, model, class_id)
        return Response(
            json.dumps(asdict(facts), ensure_ascii=False, default=str), media_type="application/json"
        )
    pdf, facts = governance_report(settings, session, principal, start, end, model, class_id)
    name = report_name(facts)
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
