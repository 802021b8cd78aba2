"""Classes of leads (类案) in the workbench: the list, a class page with its masked members, and one
measure for the whole class (类案监督), calling the same service functions as the API and the CLI."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from procura.api.deps import SessionDep, SettingsDep
from procura.classes.service import (
    GROUPINGS,
    class_measure,
    class_response,
    get_class,
    list_classes,
    member_summaries,
    ready_for_measure,
)
from procura.errors import InvalidInput
from procura.web.render import render
from procura.web.routes.lead import _date, _text
from procura.web.routes.trends import default_period
from procura.web.session import FormDep, ViewerDep
from procura.workflow.lifecycle import MEASURES
from procura.workflow.orm import Measure

router = APIRouter(include_in_schema=False)


@router.get("/classes")
def classes_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    by: str = "body",
    model: str | None = None,
    min_size: int = 2,
) -> Response:
    """Leads of one model grouped by body, region or legal point, largest classes first."""
    if by not in GROUPINGS:
        raise InvalidInput(f"分组 by: {' | '.join(GROUPINGS)}", {"field": "by"})
    if not 1 <= min_size <= 1000:
        raise InvalidInput("min_size: 1-1000", {"field": "min_size"})
    found = list_classes(session, settings, viewer.principal, model or None, by, min_size)
    context = {"classes": found, "by": by, "groupings": GROUPINGS, "model": model or "", "min_size": min_size}
    return render(request, "classes.html", context)


@router.get("/classes/{cid}")
def class_page(
    request: Request, cid: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """One class: its members (masked like the queue), and one measure for all of them."""
    cls = get_class(session, settings, viewer.principal, cid)
    members = member_summaries(session, viewer.principal, cls)
    measures = session.execute(
        select(Measure)
        .where(Measure.lead_id.in_(cls.members), Measure.requested.contains(f"class {cls.id}"))
        .order_by(Measure.issued_at, Measure.id)
    ).scalars()
    documents: dict[str, Measure] = {}
    for m in measures:
        documents.setdefault(m.lead_id, m)
    context = {
        "cls": cls,
        "members": members,
        "blocked": ready_for_measure(session, cls),
        "measures": MEASURES,
        "documents": documents,
        "done": request.query_params.get("done"),
        "report": default_period(),
    }
    return render(request, "class.html", context)


@router.post("/classes/{cid}/measure")
def measure(
    cid: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """类案监督: one measure to one body covering every member (all or none)."""
    class_measure(
        session,
        settings,
        viewer.principal,
        cid,
        _text(form, "kind") or "procuratorial_suggestion",
        _text(form, "addressee") or None,
        _text(form, "requested"),
        _date(form, "deadline"),
        _text(form, "note"),
    )
    return RedirectResponse(f"/classes/{cid}?done=measure#documents", status_code=303)


@router.post("/classes/{cid}/response")
def response(
    cid: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """The addressee's response for the whole class; rectified members are closed with it."""
    rectified = _text(form, "outcome") == "rectified"
    class_response(session, settings, viewer.principal, cid, rectified, _text(form, "note"))
    return RedirectResponse(f"/classes/{cid}?done=response", status_code=303)
