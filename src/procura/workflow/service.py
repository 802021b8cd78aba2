"""Actions on leads: triage, assign, transfer, escalate, designate, act, respond, close.

Every action checks, in this order: role, that the principal works in the
office now handling the lead, department, assignment (for handlers), then the
lifecycle. It writes ``leads.status``, one ``lead_events`` row and one audit
entry, in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura import vocab
from procura.access import audit
from procura.access.offices import get_office, parent_office, within
from procura.access.orm import User
from procura.access.policy import require_department, require_jurisdiction, require_role
from procura.access.principal import DEPARTMENTS, Principal
from procura.clock import local_date, utcnow
from procura.config import Settings
from procura.errors import Forbidden, InvalidInput, InvalidTransition
from procura.exchange.orm import Reply
from procura.leads.fingerprint import fingerprint, lead_id
from procura.leads.orm import Lead
from procura.workflow.deadlines import default_deadline
from procura.workflow.lifecycle import (
    ACTORS,
    DISMISS_REASONS,
    HANDLER_MUST_BE_ASSIGNED,
    MEASURES,
    next_state,
)
from procura.workflow.orm import LeadEvent, LeadLink, LeadReader, LeadWork, Measure
from procura.workflow.scope import load


def check_actor(principal: Principal, lead: Lead, work: LeadWork, action: str) -> None:
    """Forbidden unless the principal may take ``action`` on the lead (state is not checked).

    Role, then the handling office (higher offices read but act only by
    designation), then department, then assignment: once a lead has a
    handler, other plain handlers may no longer work it.
    """
    require_role(principal, ACTORS[action], action)
    if principal.role != "system" and principal.office_id != work.office_id:
        raise Forbidden(
            f"非承办院 {action}: lead {lead.id} is handled by {work.office_id}, not {principal.office_id}",
            {"action": action, "office": work.office_id},
        )
    require_department(principal, work.department, action)
    if (
        principal.role == "handler"
        and action in HANDLER_MUST_BE_ASSIGNED
        and work.handler_id is not None
        and work.handler_id != principal.user_id
    ):
        raise Forbidden(
            f"非承办人 {action}: lead {lead.id} is not assigned to {principal.username}", {"action": action}
        )


def authorize(session: Session, principal: Principal, lead_id_: str, action: str) -> tuple[Lead, LeadWork]:
    """The lead and its workflow row if the principal may take ``action`` on it (e.g. ``act`` to draft a
    measure's document); NotFound outside the jurisdiction, Forbidden otherwise."""
    if action not in ACTORS:
        raise InvalidInput(f"unknown action {action!r}", {"field": "action"})
    lead, work = load(session, principal, lead_id_)
    check_actor(principal, lead, work, action)
    return lead, work


def _transition(
    session: Session,
    principal: Principal,
    lead: Lead,
    work: LeadWork,
    action: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> LeadEvent:
    """Check who may act, move the lead to its next state, record the event and audit it."""
    check_actor(principal, lead, work, action)
    before = lead.status
    after = next_state(action, before)
    now = now or utcnow()
    event = LeadEvent(
        lead_id=lead.id,
        at=now,
        actor_id=principal.user_id or None,
        actor=principal.username,
        office_id=principal.office_id or work.office_id,
        action=action,
        from_status=before,
        to_status=after,
        note=note,
        data=data or {},
    )
    session.add(event)
    lead.status = after
    work.updated_at = now
    # Flush while the lead is still in the actor's scope (row-level security on PostgreSQL).
    session.flush()
    audit.record(
        session,
        principal,
        f"lead.{action}",
        "lead",
        lead.id,
        purpose=note,
        details={"from": before, "to": after, **(data or {})},
        at=now,
    )
    return event


def triage(
    session: Session,
    principal: Principal,
    lead_id_: str,
    decision: str,
    reason: str | None = None,
    note: str = "",
) -> LeadEvent:
    """Accept a lead, or dismiss it with a reason from the fixed list (``other`` needs a note)."""
    if decision == "accept":
        lead, work = load(session, principal, lead_id_)
        event = _transition(session, principal, lead, work, "accept", note)
        work.triaged_at = event.at
        return event
    if decision == "dismiss":
        return dismiss(session, principal, lead_id_, reason or "", note)
    raise InvalidInput(f"decision {decision!r}: accept or dismiss", {"field": "decision"})


def dismiss(session: Session, principal: Principal, lead_id_: str, reason: str, note: str = "") -> LeadEvent:
    """Rule a lead out (at triage or after investigation) with a reason."""
    if reason not in DISMISS_REASONS:
        raise InvalidInput(f"reason {reason!r}: one of {', '.join(DISMISS_REASONS)}", {"field": "reason"})
    if reason == "other" and not note.strip():
        raise InvalidInput("reason 'other' needs a note saying why", {"field": "note"})
    lead, work = load(session, principal, lead_id_)
    event = _transition(session, principal, lead, work, "dismiss", note, {"reason": reason})
    work.dismiss_reason = reason
    work.triaged_at = work.triaged_at or event.at
    return event


def assign(
    session: Session,
    principal: Principal,
    lead_id_: str,
    handler: str,
    department: str | None = None,
    note: str = "",
) -> LeadEvent:
    """Give the lead to a handler of the handling office (and, by the chief, to another department)."""
    lead, work = load(session, principal, lead_id_)
    department = department or work.department
    if department not in DEPARTMENTS:
        raise InvalidInput(
            f"department {department!r}: one of {', '.join(DEPARTMENTS)}", {"field": "department"}
        )
    user = session.scalar(select(User).where(User.username == handler))
    if user is None or not user.active or user.office_id != work.office_id:
        raise InvalidInput(
            f"handler {handler!r} is not an active user of office {work.office_id}", {"field": "handler"}
        )
    if user.department != department or user.role not in ("handler", "department_head"):
        raise InvalidInput(
            f"handler {handler!r} is not a handler of department {department}", {"field": "handler"}
        )
    if department != work.department and principal.role not in ("chief", "system"):
        raise Forbidden(
            "只有检察长可跨部门指派 only the chief assigns to another department", {"action": "assign"}
        )
    event = _transition(
        session, principal, lead, work, "assign", note, {"handler": handler, "department": department}
    )
    work.handler_id, work.department = user.id, department
    return event


def transfer(
    session: Session,
    principal: Principal,
    lead_id_: str,
    department: str | None = None,
    office: str | None = None,
    note: str = "",
) -> LeadEvent:
    """Hand the lead over to another department and/or office; the receiver triages it."""
    if department is None and office is None:
        raise InvalidInput("transfer needs a department or an office", {"field": "department"})
    lead, work = load(session, principal, lead_id_)
    if department is not None and department not in DEPARTMENTS:
        raise InvalidInput(
            f"department {department!r}: one of {', '.join(DEPARTMENTS)}", {"field": "department"}
        )
    if office is not None:
        get_office(session, office)
        # Across jurisdictions a lead goes up by escalation, never sideways out of sight.
        require_jurisdiction(principal, office, "transfer")
    new_department, new_office = department or work.department, office or work.office_id
    if (new_department, new_office) == (work.department, work.office_id):
        raise InvalidInput("transfer to where the lead already is", {"field": "department"})
    event = _transition(
        session, principal, lead, work, "transfer", note, {"department": new_department, "office": new_office}
    )
    work.department, work.office_id, work.handler_id = new_department, new_office, None
    session.flush()
    return event


def spawn(session: Session, principal: Principal, lead_id_: str, department: str, note: str = "") -> Lead:
    """Open a linked lead in another prong (e.g. public interest beside criminal); both stay linked."""
    lead, work = load(session, principal, lead_id_)
    if department not in DEPARTMENTS or department == work.department:
        raise InvalidInput(
            f"department {department!r}: another of {', '.join(DEPARTMENTS)}", {"field": "department"}
        )
    fp = fingerprint(f"{lead.model_id}+{department}", lead.anchor)
    if session.scalar(select(Lead.id).where(Lead.fingerprint == fp)) is not None:
        raise InvalidTransition(f"lead {lead.id} already has a linked {department} lead", {"action": "spawn"})
    event = _transition(session, principal, lead, work, "spawn", note, {"department": department})
    child = Lead(
        id=lead_id(fp),
        fingerprint=fp,
        model_id=lead.model_id,
        model_version=lead.model_version,
        params=lead.params,
        anchor=lead.anchor,
        evidence=lead.evidence,
        subject=lead.subject,
        subject_entity_id=lead.subject_entity_id,
        target=lead.target,
        region_code=lead.region_code,
        office=work.office_id,
        prong=department,
        measure=lead.measure,
        score=lead.score,
        explanation_zh=lead.explanation_zh,
        explanation_en=lead.explanation_en,
        details=dict(lead.details or {}),
        legal_basis=list(lead.legal_basis or []),
        status="new",
        first_run_id=lead.first_run_id,
        last_run_id=lead.last_run_id,
    )
    session.add(child)
    session.flush()
    session.add(
        LeadWork(lead_id=child.id, office_id=work.office_id, department=department, updated_at=event.at)
    )
    session.add(
        LeadLink(
            from_lead_id=lead.id,
            to_lead_id=child.id,
            kind="spawned",
            at=event.at,
            actor_id=principal.user_id or None,
        )
    )
    session.flush()
    return child


def escalate(session: Session, principal: Principal, lead_id_: str, note: str = "") -> LeadEvent:
    """Refer the lead to the office one level up, which keeps it or designates a subordinate."""
    lead, work = load(session, principal, lead_id_)
    upper = parent_office(work.office_id)
    if upper is None:
        raise InvalidInput(
            f"office {work.office_id} has no higher office in the system", {"field": "office"}
        )
    get_office(session, upper)
    event = _transition(session, principal, lead, work, "escalate", note, {"office": upper})
    if session.get(LeadReader, (lead.id, work.office_id)) is None:
        # The escalating office keeps reading the lead's later course (ADR 0524, 0528).
        session.add(LeadReader(lead_id=lead.id, office_id=work.office_id, reason="escalated", at=utcnow()))
    work.office_id, work.handler_id = upper, None
    session.flush()
    return event


def designate(
    session: Session,
    principal: Principal,
    lead_id_: str,
    office: str,
    department: str | None = None,
    note: str = "",
) -> LeadEvent:
    """Have an office below the principal's handle the lead (cross-region and escalated leads)."""
    lead, work = load(session, principal, lead_id_)
    get_office(session, office)
    if office == work.office_id or not within(work.office_id, office):
        raise InvalidInput(f"office {office} is not below {work.office_id}", {"field": "office"})
    new_department = department or work.department
    if new_department not in DEPARTMENTS:
        raise InvalidInput(
            f"department {new_department!r}: one of {', '.join(DEPARTMENTS)}", {"field": "department"}
        )
    event = _transition(
        session, principal, lead, work, "designate", note, {"office": office, "department": new_department}
    )
    work.office_id, work.department, work.handler_id = office, new_department, None
    session.flush()
    return event


def act(
    session: Session,
    settings: Settings,
    principal: Principal,
    lead_id_: str,
    kind: str,
    addressee: str | None = None,
    deadline: date | None = None,
    requested: str = "",
    note: str = "",
    findings: str = "",
) -> Measure:
    """Record a supervision measure addressed to a body, with its response deadline.

    The measure must be one the lead's prong may take (``vocab.measures_for``); the
    handler's ``findings`` and ``requested`` correction are printed in its documents.
    """
    if kind not in MEASURES:
        raise InvalidInput(f"measure {kind!r}: one of {', '.join(MEASURES)}", {"field": "kind"})
    lead, work = load(session, principal, lead_id_)
    allowed = vocab.measures_for(work.department)
    if kind not in allowed:
        raise InvalidInput(
            f"措施与条线不符 measure {kind!r} is not a {work.department} measure "
            f"(allowed: {', '.join(allowed)})",
            {"field": "kind", "department": work.department},
        )
    now = utcnow()
    issued_on = local_date(now)
    if deadline is not None and deadline < issued_on:
        raise InvalidInput(f"deadline {deadline} is in the past", {"field": "deadline"})
    deadline = deadline or default_deadline(settings, kind, issued_on)
    addressee = (addressee or lead.target or "").strip()
    if not addressee:
        raise InvalidInput("a measure needs an addressee", {"field": "addressee"})
    event = _transition(
        session,
        principal,
        lead,
        work,
        "act",
        note,
        {"measure": kind, "addressee": addressee, "deadline": deadline.isoformat() if deadline else None},
        now,
    )
    measure = Measure(
        lead_id=lead.id,
        office_id=work.office_id,
        kind=kind,
        addressee=addressee,
        requested=requested,
        findings=findings,
        issued_at=event.at,
        issued_by=principal.user_id or None,
        deadline=deadline,
    )
    session.add(measure)
    session.flush()
    return measure


def respond(
    session: Session,
    principal: Principal,
    lead_id_: str,
    rectified: bool,
    note: str = "",
    at: datetime | None = None,
    measure_id: int | None = None,
) -> Measure:
    """Record the addressee's response to the open measure (or to ``measure_id``): rectified or not."""
    lead, work = load(session, principal, lead_id_)
    query = select(Measure).where(Measure.lead_id == lead.id, Measure.response_at.is_(None))
    if measure_id is not None:
        query = query.where(Measure.id == measure_id)
    measure = session.scalar(query.order_by(Measure.issued_at.desc(), Measure.id.desc()))
    action = "respond_rectified" if rectified else "respond_not_rectified"
    if measure is None:
        # No open measure means the lead is not awaiting a response: let the lifecycle say so.
        _transition(session, principal, lead, work, action, note)
        raise InvalidTransition(f"lead {lead.id} has no open measure")
    outcome = "rectified" if rectified else "not_rectified"
    event = _transition(session, principal, lead, work, action, note, {"measure_id": measure.id}, at)
    measure.response_at, measure.response_outcome, measure.response_note = event.at, outcome, note
    return measure


def close(session: Session, principal: Principal, lead_id_: str, note: str = "") -> LeadEvent:
    """Close a lead whose infringement was corrected; an agency's reply must be verified first."""
    lead, work = load(session, principal, lead_id_)
    unverified = session.scalar(
        select(Reply.id)
        .join(Measure, Measure.id == Reply.measure_id)
        .where(Measure.lead_id == lead.id, Reply.verdict.is_(None))
    )
    if unverified is not None:
        raise InvalidTransition(
            f"回复待核实 lead {lead.id}: verify the agency's reply {unverified} before closing",
            {"action": "close"},
        )
    return _transition(session, principal, lead, work, "close", note)
