"""Classes of leads and one measure for a whole class (类案监督), over the workflow service.

A class is the leads of one model, in the principal's jurisdiction and not
dismissed, that share a key: ``body`` (the police unit, court, operator or
hospital of the lead's first indexed evidence record, else the lead's target),
``region`` (the county of the lead) or ``point`` (the legal point: the offense,
cause or issue type of that record). Its id is derived from model, grouping and
key, so it is stable between calls. A class measure is a thin layer: it calls
``workflow.service.act`` for every member with one addressee and one request
that names every member, links the members to the first, and closes them together
through ``respond`` and ``close``. All members or none: one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura import clock
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.access.rls import apply_scope
from procura.clock import utcnow
from procura.config import Settings
from procura.errors import InvalidInput, InvalidTransition, NotFound
from procura.leads.orm import Lead
from procura.similar import index as index_store
from procura.similar.index import SimilarIndex
from procura.workflow import service
from procura.workflow.lifecycle import TRANSITIONS
from procura.workflow.orm import LeadLink, LeadWork
from procura.workflow.queries import LeadFilter, _query, _summary, summary_rows
from procura.workflow.scope import jurisdiction_filter
from procura.workflow.views import LeadSummary

GROUPINGS = ("body", "region", "point")


@dataclass
class LeadClass:
    id: str
    model_id: str
    grouping: str
    key: str
    members: list[str]
    states: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record(index: SimilarIndex, lead: Lead) -> int | None:
    for item in lead.evidence or []:
        key = "|".join(str(v) for v in (item.get("key") or {}).values())
        pos = index.position(str(item.get("table")), key)
        if pos is not None:
            return pos
    return None


def class_key(index: SimilarIndex, lead: Lead, grouping: str) -> str:
    """The value a lead is grouped by."""
    if grouping == "region":
        return lead.region_code
    pos = _record(index, lead)
    column = "body_name" if grouping == "body" else "kind"
    value = index.documents[column].iloc[pos] if pos is not None else None
    return str(value) if value is not None else (lead.target if grouping == "body" else lead.model_id)


def class_id(model_id: str, grouping: str, key: str) -> str:
    return "K-" + hashlib.sha1(f"{model_id}|{grouping}|{key}".encode()).hexdigest()[:12]


def _leads(session: Session, principal: Principal, model_id: str | None) -> list[tuple[Lead, str]]:
    stmt = (
        select(Lead, Lead.status)
        .outerjoin(LeadWork, LeadWork.lead_id == Lead.id)
        .order_by(Lead.model_id, Lead.id)
    )
    if model_id:
        stmt = stmt.where(Lead.model_id == model_id)
    apply_scope(session, principal)  # row security on PostgreSQL, like every other reader
    if principal.role != "system":
        stmt = stmt.where(jurisdiction_filter(principal))
    return [(lead, status or "new") for lead, status in session.execute(stmt).all() if status != "dismissed"]


def list_classes(
    session: Session,
    settings: Settings,
    principal: Principal,
    model_id: str | None = None,
    grouping: str = "body",
    min_size: int = 2,
) -> list[LeadClass]:
    """Classes of at least ``min_size`` leads, largest first."""
    require_role(principal, LEAD_READERS, "read lead classes")
    if grouping not in GROUPINGS:
        raise InvalidInput(f"grouping must be one of {', '.join(GROUPINGS)}, got {grouping!r}")
    index = index_store.current(settings)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for lead, status in _leads(session, principal, model_id):
        groups.setdefault((lead.model_id, class_key(index, lead, grouping)), []).append((lead.id, status))
    out = []
    for (model, key), members in groups.items():
        if len(members) < min_size:
            continue
        states: dict[str, int] = {}
        for _, status in members:
            states[status] = states.get(status, 0) + 1
        out.append(
            LeadClass(class_id(model, grouping, key), model, grouping, key, [m for m, _ in members], states)
        )
    out.sort(key=lambda c: (-len(c.members), c.model_id, c.key))
    return out


def get_class(session: Session, settings: Settings, principal: Principal, cid: str) -> LeadClass:
    for grouping in GROUPINGS:
        for cls in list_classes(session, settings, principal, grouping=grouping, min_size=1):
            if cls.id == cid:
                return cls
    raise NotFound(f"类案不存在 class {cid} not found")


def class_measure(
    session: Session,
    settings: Settings,
    principal: Principal,
    cid: str,
    kind: str = "procuratorial_suggestion",
    addressee: str | None = None,
    requested: str = "",
    deadline: date | None = None,
    note: str = "",
) -> LeadClass:
    """One measure for the whole class: every member acted on with the same addressee and request."""
    cls = get_class(session, settings, principal, cid)
    blocked = ready_for_measure(session, cls)
    if blocked:
        raise InvalidTransition(
            f"类案中有线索不能采取措施 members not ready for a measure: {blocked}", {"members": blocked}
        )
    text = (
        (requested + "\n" if requested else "")
        + f"类案监督 class {cls.id}：共{len(cls.members)}件 "
        + "、".join(cls.members)
    )
    for member in cls.members:
        service.act(session, settings, principal, member, kind, addressee or cls.key, deadline, text, note)
    now = utcnow()
    for member in cls.members[1:]:
        session.add(
            LeadLink(
                from_lead_id=cls.members[0],
                to_lead_id=member,
                kind="class",
                at=now,
                actor_id=principal.user_id or None,
            )
        )
    session.flush()
    return get_class(session, settings, principal, cid)


def class_response(
    session: Session, settings: Settings, principal: Principal, cid: str, rectified: bool, note: str = ""
) -> LeadClass:
    """The addressee's response for the whole class; rectified members are closed with it."""
    cls = get_class(session, settings, principal, cid)
    for member in cls.members:
        service.respond(session, principal, member, rectified, note)
        if rectified:
            service.close(session, principal, member, note or f"类案监督 class {cid}")
    return get_class(session, settings, principal, cid)


def member_summaries(session: Session, principal: Principal, cls: LeadClass) -> list[LeadSummary]:
    """The class's members as the queue shows them (masked subject, state, handler), in class order."""
    query = _query(session, principal, LeadFilter(), clock.today()).where(Lead.id.in_(cls.members))
    rows = {row.id: row for row in session.execute(summary_rows(query)).all()}
    today = clock.today()
    return [_summary(rows[m], None, today) for m in cls.members if m in rows]


def ready_for_measure(session: Session, cls: LeadClass) -> dict[str, str]:
    """Members that cannot take one measure now, with their states (empty: the class is ready)."""
    return {
        m: s
        for m, s in zip(cls.members, _states(session, cls.members), strict=True)
        if s not in TRANSITIONS["act"]
    }


def _states(session: Session, members: list[str]) -> list[str]:
    states = dict(session.execute(select(Lead.id, Lead.status).where(Lead.id.in_(members))).tuples().all())
    return [str(states.get(m, "new")) for m in members]
