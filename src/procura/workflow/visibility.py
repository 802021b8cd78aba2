"""Who can see a lead: the users whose role reads leads and whose office's jurisdiction holds it.

For administrators, within their own jurisdiction; the answer is computed from
the same rule the service layer applies to reads (``policy.in_jurisdiction``
on the office handling the lead), and asking is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.offices import within
from procura.access.orm import User
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.access.rls import apply_scope
from procura.errors import NotFound
from procura.leads.orm import Lead
from procura.workflow.orm import LeadWork


@dataclass
class Reader:
    """A user who can open the lead, and whether they may also unmask or act on it."""

    username: str
    display_name: str
    office_id: str
    department: str
    role: str
    handling_office: bool


def who_can_see(session: Session, principal: Principal, lead_id: str) -> tuple[str, list[Reader]]:
    """The office handling the lead and every active user who can read it (admins, own jurisdiction)."""
    require_role(principal, ["admin"], "list who can see a lead")
    # The admin reads no lead content, only its handling office: a lead outside the admin's
    # jurisdiction is not found, so the admin's own scope suffices (and its users, up the chain).
    apply_scope(session, principal)
    lead = session.get(Lead, lead_id)
    work = session.get(LeadWork, lead_id) if lead is not None else None
    office = work.office_id if work is not None else (lead.office if lead is not None else "")
    if lead is None or not within(principal.office_id, office):
        raise NotFound(f"线索不存在 lead {lead_id} not found")
    users = session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(sorted(LEAD_READERS)))
        .order_by(User.office_id, User.username)
    )
    readers = [
        Reader(u.username, u.display_name or "", u.office_id, u.department, u.role, u.office_id == office)
        for u in users
        if within(u.office_id, office)
    ]
    audit.record(session, principal, "lead.who_can_see", "lead", lead_id, details={"readers": len(readers)})
    return office, readers
