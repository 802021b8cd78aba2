"""The dashboard: the office's leads by model, prong, region and month, the funnel, overdue
measures and model precision, each chart clicking through to the filtered queue."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from procura.api.deps import SessionDep
from procura.errors import Forbidden
from procura.web.labels import label, model_title
from procura.web.render import render
from procura.web.session import ViewerDep
from procura.workflow import dashboard
from procura.workflow.feedback import model_stats

router = APIRouter(include_in_schema=False)


def _series(buckets: list[dashboard.Bucket], name: Any) -> list[dict[str, Any]]:
    return [{"name": name(b.key), "value": b.leads, "filter": b.filter} for b in buckets]


def _tree(buckets: list[dashboard.Bucket]) -> list[dict[str, Any]]:
    return [
        {"name": b.name, "value": b.leads, "filter": b.filter, "children": _tree(b.children)} for b in buckets
    ]


@router.get("/")
def home(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The signed-in user's dashboard (auditors and admins start at their own page)."""
    p, lang = viewer.principal, viewer.lang
    if p.role in ("auditor", "admin"):
        return render(request, "start.html")
    funnel = dashboard.funnel(session, p)
    try:
        precision = [
            {
                "name": model_title(s.model_id, lang),
                "value": s.precision,
                "filter": {"model": s.model_id},
                "decided": s.confirmed + s.dismissed,
            }
            for s in model_stats(session, p, by_office=False, by_month=False)
            if s.precision is not None
        ]
    except Forbidden:
        precision = None
    counts = dashboard.breakdown(session, p)
    charts = {
        "model": _series(counts["model"], lambda k: model_title(k, lang)),
        "prong": _series(counts["prong"], lambda k: label("prongs", k, lang)),
        "month": _series(counts["month"], str),
        "status": _series(counts["status"], lambda k: label("lead_states", k, lang)),
        "region": _tree(dashboard.region_tree(session, p, counts["region"])),
        "funnel": [
            {"name": label("funnel", b.key, lang), "value": b.leads, "filter": b.filter} for b in funnel
        ],
        "precision": precision,
    }
    overdue = [asdict(m) for m in dashboard.overdue_measures(session, p, limit=20)]
    context = {"charts": charts, "total": funnel[0].leads, "overdue": overdue}
    return render(request, "dashboard.html", context)
