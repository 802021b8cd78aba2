"""A matter (案件/事项): a lead with every lead linked to it across the four prongs, and — for
support of prosecution — the leads of the same criminal case's other victims.

The models keep one lead per anchor as the specification says (one per victim
for ``vulnerable-victim-support``, ADR 0525); the matter is where the office
works one case with all its victims, its spawned public-interest or civil
leads, their measures and the documents issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from procura import vocab
from procura.access.principal import Principal
from procura.errors import NotFound
from procura.leads.orm import Lead
from procura.workflow.orm import IssuedDocument, LeadLink, LeadWork, Measure
from procura.workflow.scope import load

# Models whose leads of one criminal case form one matter (one lead per victim each).
CASE_MODELS = frozenset({"vulnerable-victim-support"})


@dataclass
class Matter:
    """The leads of one matter, each with its prong, state, measures and issued documents."""

    root: str
    case_no: str | None
    leads: list[dict[str, Any]] = field(default_factory=list)
    hidden: int = 0

    @property
    def prongs(self) -> list[str]:
        return sorted({lead["prong"] for lead in self.leads})


def case_of(lead: Lead) -> str | None:
    """The criminal case a per-victim lead belongs to (its anchor's ``case_no``)."""
    if lead.model_id not in CASE_MODELS:
        return None
    for ref in lead.anchor or []:
        key = ref.get("key")
        if isinstance(key, dict) and key.get("case_no"):
            return str(key["case_no"])
    return None


def _linked(session: Session, start: str) -> set[str]:
    """Every lead reachable from ``start`` through lead links, either direction."""
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        rows = session.execute(
            select(LeadLink.from_lead_id, LeadLink.to_lead_id).where(
                or_(LeadLink.from_lead_id == current, LeadLink.to_lead_id == current)
            )
        )
        for a, b in rows:
            for other in (a, b):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return seen


def _same_case(session: Session, lead: Lead, case_no: str) -> set[str]:
    rows = session.scalars(select(Lead).where(Lead.model_id == lead.model_id))
    return {other.id for other in rows if case_of(other) == case_no}


def matter(session: Session, principal: Principal, lead_id: str) -> Matter:
    """The matter of ``lead_id``: leads the principal may read in full, the others only counted."""
    root, _ = load(session, principal, lead_id)
    case_no = case_of(root)
    ids = _linked(session, root.id)
    if case_no is not None:
        for member in _same_case(session, root, case_no):
            ids |= _linked(session, member)
    result = Matter(root=root.id, case_no=case_no)
    for member_id in sorted(ids):
        try:
            lead, work = load(session, principal, member_id)
        except NotFound:
            result.hidden += 1
            continue
        result.leads.append(_member(session, lead, work))
    return result


def _member(session: Session, lead: Lead, work: LeadWork) -> dict[str, Any]:
    measures = session.scalars(select(Measure).where(Measure.lead_id == lead.id).order_by(Measure.id))
    documents = session.scalars(
        select(IssuedDocument).where(IssuedDocument.lead_id == lead.id).order_by(IssuedDocument.id)
    )
    return {
        "id": lead.id,
        "model_id": lead.model_id,
        "prong": work.department,
        "prong_label": vocab.both("prongs", work.department),
        "office": work.office_id,
        "status": lead.status,
        "status_label": vocab.both("lead_states", lead.status),
        "measures": [
            {
                "id": m.id,
                "kind": m.kind,
                "label": vocab.both("measures", m.kind),
                "addressee": m.addressee,
                "deadline": m.deadline.isoformat() if m.deadline else None,
                "outcome": m.response_outcome,
            }
            for m in measures
        ],
        "documents": [{"id": d.id, "doc_no": d.doc_no, "addressee": d.addressee} for d in documents],
    }
