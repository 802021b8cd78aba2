"""The inbox: deadline reminders (``procura remind``) and agencies' replies awaiting verification."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from procura.api.deps import SessionDep
from procura.api.schemas.common import RowId
from procura.exchange import service as exchange
from procura.web.render import render
from procura.web.session import FormDep, ViewerDep, safe_next
from procura.workflow import reminders

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
def inbox(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """One's reminders, newest first, and the replies to verify in one's office and department."""
    p = viewer.principal
    context = {
        "notes": reminders.inbox(session, p),
        "replies": exchange.pending_replies(session, p),
    }
    return render(request, "inbox.html", context)


@router.post("/inbox/{notification_id}/read")
def read(notification_id: RowId, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    """Mark one of one's reminders read."""
    reminders.mark_read(session, viewer.principal, notification_id)
    return RedirectResponse("/inbox", status_code=303)


@router.post("/replies/{reply_id}/verify")
def verify(reply_id: RowId, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    """Rectified, or not rectified with reasons; the service checks who may and records the response."""
    rectified = form.get("verdict") == "rectified"
    reasons = str(form.get("reasons") or "")
    exchange.verify(session, viewer.principal, reply_id, rectified, reasons)
    return RedirectResponse(safe_next(str(form.get("next") or "/inbox")), status_code=303)
