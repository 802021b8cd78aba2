"""What a principal may do next with a lead: the actions the workbench offers as forms.

An action is offered when the lifecycle allows it from the lead's state and
the same checks the service runs before acting (role, handling office,
department, assignment) pass; unmasking follows the dossier's rule. The
service checks again when the form is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access.orm import User
from procura.access.principal import Principal
from procura.errors import Forbidden
from procura.workflow.dossier import may_unmask
from procura.workflow.lifecycle import ACTIONS, TRANSITIONS
from procura.workflow.scope import load
from procura.workflow.service import check_actor


@dataclass
class LeadOptions:
    """The actions open to the principal now, who may be assigned, and whether they may unmask."""

    actions: list[str]
    handlers: list[str]
    may_unmask: bool


def lead_options(session: Session, principal: Principal, lead_id: str) -> LeadOptions:
    """The next steps the principal may take on the lead (NotFound outside the jurisdiction)."""
    lead, work = load(session, principal, lead_id)
    actions = []
    for action in ACTIONS:
        if lead.status not in TRANSITIONS[action]:
            continue
        try:
            check_actor(principal, lead, work, action)
        except Forbidden:
            continue
        actions.append(action)
    handlers: list[str] = []
    if "assign" in actions:
        handlers = list(
            session.scalars(
                select(User.username)
                .where(
                    User.office_id == work.office_id,
                    User.department == work.department,
                    User.active.is_(True),
                    User.role.in_(("handler", "department_head")),
                )
                .order_by(User.role.desc(), User.username)
            )
        )
    return LeadOptions(actions, handlers, may_unmask(principal, work))
