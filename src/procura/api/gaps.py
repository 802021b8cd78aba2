"""Service functions the API needs that the service layer does not offer yet (ADR 0550).

Each one only adds the missing authorization check in front of an existing
service function; it is deleted when the service layer takes the check over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.orm import AuditEntry
from procura.access.policy import require_role
from procura.access.principal import Principal

AUDIT_READERS = ("auditor",)


def audit_entries(
    session: Session,
    principal: Principal,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Audit entries newest first, for auditors only."""
    require_role(principal, AUDIT_READERS, "read the audit log")
    return audit.list_entries(
        session, actor=actor, action=action, object_id=object_id, since=since, limit=limit, offset=offset
    )


def verify_audit(session: Session, principal: Principal) -> audit.VerifyReport:
    """Recompute the audit hash chain, for auditors only."""
    require_role(principal, AUDIT_READERS, "verify the audit log")
    return audit.verify(session)
