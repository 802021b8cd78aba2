"""The audit log: auditors query it; auditors and admins verify the hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from procura.access import audit
from procura.api.deps import CurrentPrincipal, SessionDep
from procura.api.schemas.access import AuditEntryPublic, AuditVerifyPublic
from procura.api.schemas.common import ERRORS, MAX_OFFSET, PagePublic

router = APIRouter(prefix="/audit", tags=["audit 审计"], responses={s: ERRORS[s] for s in (401, 403, 422)})


@router.get("", response_model=PagePublic[AuditEntryPublic], summary="审计日志 Audit log")
def entries(
    session: SessionDep,
    principal: CurrentPrincipal,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PagePublic[AuditEntryPublic]:
    """Entries newest first, filtered by actor, action, object and time."""
    rows, total = audit.search(
        session,
        principal,
        actor=actor,
        action=action,
        object_id=object_id,
        since=since,
        limit=limit,
        offset=offset,
    )
    return PagePublic[AuditEntryPublic](
        items=[AuditEntryPublic.model_validate(row) for row in rows], total=total, limit=limit, offset=offset
    )


@router.get("/verify", response_model=AuditVerifyPublic, summary="校验 Verify the chain")
def verify(session: SessionDep, principal: CurrentPrincipal) -> AuditVerifyPublic:
    """Recompute every hash; name the first edited, deleted or cut-off entry."""
    return AuditVerifyPublic.model_validate(audit.check(session, principal))
