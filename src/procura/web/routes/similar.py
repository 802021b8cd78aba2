"""Workbench fragments of issue 12: the similar cases of a lead (lead page) and trend alerts
(dashboard), loaded by htmx; both call the same service functions as the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from procura.access.principal import Principal
from procura.api.deps import SessionDep, SettingsDep
from procura.config import Settings
from procura.errors import NotFound
from procura.similar.service import search
from procura.trends.counts import all_series
from procura.trends.service import Alert, alerts, trend
from procura.web.render import render
from procura.web.session import ViewerDep

router = APIRouter(include_in_schema=False)


@router.get("/leads/{lead_id}/similar")
def similar_panel(
    request: Request, lead_id: str, viewer: ViewerDep, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The records most similar to the lead's evidence, with reasons (masked, audited)."""
    try:
        result = search(settings, viewer.principal, lead_id=lead_id, limit=10, session=session)
    except NotFound as exc:
        if "cites no indexed record" not in exc.message:
            raise
        return render(request, "_similar.html", {"result": None, "lead_id": lead_id}, viewer=viewer)
    return render(request, "_similar.html", {"result": result, "lead_id": lead_id}, viewer=viewer)


@router.get("/trends/alerts")
def alerts_panel(request: Request, viewer: ViewerDep, settings: SettingsDep) -> HTMLResponse:
    """Region-series whose counts rose against their own history, for the dashboard."""
    found = alerts(settings, viewer.principal, level="county")
    chart = alert_chart(settings, viewer.principal, found[:CHART_LINES], viewer.lang)
    context = {"alerts": found[:20], "total": len(found), "chart": chart}
    return render(request, "_alerts.html", context, viewer=viewer)


CHART_LINES = 6  # alerted series drawn on the dashboard's chart (the table lists up to 20)


def alert_chart(settings: Settings, principal: Principal, found: list[Alert], lang: str) -> dict[str, Any]:
    """The monthly counts of each alerted region-series, on one month axis, with where its rise
    starts and the month the test alarmed (marked on the chart)."""
    known = all_series()
    rows: dict[str, dict[tuple[str, str | None], Any]] = {}
    periods: dict[str, list[str]] = {}
    for name in dict.fromkeys(a.series for a in found):
        result = trend(settings, principal, name, level="county")
        rows[name] = {(r.region_code, r.dimension): r for r in result.rows}
        periods[name] = result.periods
    axis = sorted({p for ps in periods.values() for p in ps})
    lines = []
    for a in found:
        row = rows[a.series].get((a.region_code, a.dimension))
        if row is None:
            continue
        by_month = dict(zip(periods[a.series], row.counts, strict=True))
        title = a.title_zh if lang == "zh" else known[a.series].en
        lines.append(
            {
                "name": f"{a.region_name} · {title}",
                "counts": [by_month.get(p, 0) for p in axis],
                "since": a.rise_from,
                "period": a.period,
            }
        )
    return {"periods": axis, "lines": lines}
