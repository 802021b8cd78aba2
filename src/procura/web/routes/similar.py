"""Workbench fragments of issue 12: the similar cases of a lead (lead page) and trend alerts
(dashboard), loaded by htmx; both call the same service functions as the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from procura.api.deps import SessionDep, SettingsDep
from procura.errors import NotFound
from procura.similar.service import search
from procura.trends.service import alerts
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
    return render(request, "_alerts.html", {"alerts": found[:20], "total": len(found)}, viewer=viewer)
