"""The data page: ingest batches, the quarantine browser, the entity review queue."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from procura.api.deps import SessionDep, SettingsDep
from procura.web.render import render
from procura.web.session import FormDep, ViewerDep
from procura.workflow import data_desk

router = APIRouter(include_in_schema=False)


@router.get("/data")
def data_page(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, table: str = ""
) -> Response:
    """Batches, quarantined rows with their reasons, and pairs to review."""
    p = viewer.principal
    context = {
        "status": data_desk.warehouse_status(settings, p),
        "quarantine": data_desk.quarantine(session, settings, p, table or None),
        "table": table,
        "pairs": data_desk.review_pairs(session, settings, p),
        "done": request.query_params.get("done"),
    }
    return render(request, "data.html", context)


@router.post("/data/judgements")
def judge(session: SessionDep, settings: SettingsDep, viewer: ViewerDep, form: FormDep) -> Response:
    """Record same / different / unsure on a pair."""
    data_desk.judge(
        session,
        settings,
        viewer.principal,
        str(form.get("left") or ""),
        str(form.get("right") or ""),
        str(form.get("decision") or ""),
    )
    return RedirectResponse("/data?done=judged#review", status_code=303)
