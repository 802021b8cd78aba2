"""The audit viewer (auditors) with verification, and "who can see this lead?" (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from procura.access import audit
from procura.api.deps import SessionDep
from procura.api.schemas.common import MAX_OFFSET
from procura.web.render import render
from procura.web.session import FormDep, ViewerDep
from procura.workflow.visibility import who_can_see

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    actor: str = "",
    action: str = "",
    object_id: str = "",
    page: Annotated[int, Query(ge=1, le=MAX_OFFSET // PAGE)] = 1,
    lead: str = "",
) -> Response:
    """Entries newest first (auditors); the visibility check of a lead (admins)."""
    p = viewer.principal
    context: dict[str, object] = {"actor": actor, "action": action, "object_id": object_id, "lead": lead}
    if p.role == "auditor":
        rows, total = audit.search(
            session,
            p,
            actor=actor or None,
            action=action or None,
            object_id=object_id or None,
            limit=PAGE,
            offset=(max(page, 1) - 1) * PAGE,
        )
        context.update(entries=rows, total=total, page_no=max(page, 1), pages=max(1, -(-total // PAGE)))
    if p.role == "admin" and lead:
        office, readers = who_can_see(session, p, lead.strip())
        context.update(lead_office=office, readers=readers)
    if p.role not in ("auditor", "admin"):
        audit.search(session, p)  # raises Forbidden, as the API does for this role
    return render(request, "audit.html", context)


@router.post("/audit/verify")
def verify(request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    """Recompute the hash chain and name the first bad entry (auditors and admins; audited)."""
    report = audit.check(session, viewer.principal)
    return render(
        request, "audit.html", {"report": report, "actor": "", "action": "", "object_id": "", "lead": ""}
    )
