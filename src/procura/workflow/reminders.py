"""Reminders: measures whose reply deadline is near or past notify the handler and the department head.

``remind`` is what ``procura remind`` runs (fit for cron): each (user, measure,
kind) is notified once, so running it again adds nothing. Every notification
lands in the in-app inbox and in the ``outbox`` table, which a mail or SMS
gateway may read (none is built in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura import vocab
from procura.access.orm import User
from procura.access.principal import Principal
from procura.clock import today as office_today
from procura.clock import utcnow
from procura.config import Settings
from procura.db import system_scope
from procura.errors import NotFound
from procura.leads.orm import Lead
from procura.workflow.lifecycle import TERMINAL
from procura.workflow.orm import LeadWork, Measure, Notification, OutboxMessage

MESSAGES = {
    "approaching": "【即将到期 deadline near】线索 {lead} 的{measure}（致{addressee}）"
    "回复期限为{due}，尚未收到回复。",
    "overdue": "【已逾期 overdue】线索 {lead} 的{measure}（致{addressee}）回复期限{due}已过，尚未收到回复。",
}


@dataclass
class RemindResult:
    """What one run of ``remind`` did."""

    measures: int = 0
    created: int = 0
    already: int = 0


def _recipients(session: Session, work: LeadWork) -> list[User]:
    heads = session.scalars(
        select(User).where(
            User.office_id == work.office_id,
            User.department == work.department,
            User.role == "department_head",
            User.active.is_(True),
        )
    )
    people = {u.id: u for u in heads}
    if work.handler_id is not None:
        handler = session.get(User, work.handler_id)
        if handler is not None and handler.active:
            people[handler.id] = handler
    return [people[k] for k in sorted(people)]


def remind(session: Session, settings: Settings, today: date | None = None) -> RemindResult:
    """Notify about every open measure due within ``settings.remind_days_before`` days or overdue."""
    system_scope(session)
    today = today or office_today()
    result = RemindResult()
    query = (
        select(Measure, Lead, LeadWork)
        .join(Lead, Lead.id == Measure.lead_id)
        .join(LeadWork, LeadWork.lead_id == Lead.id)
        .where(Measure.response_at.is_(None), Measure.deadline.is_not(None), Lead.status.not_in(TERMINAL))
        .order_by(Measure.id)
    )
    now = utcnow()
    for measure, lead, work in session.execute(query).all():
        assert measure.deadline is not None
        days = (measure.deadline - today).days
        kind = "overdue" if days < 0 else "approaching" if days <= settings.remind_days_before else None
        if kind is None:
            continue
        result.measures += 1
        message = MESSAGES[kind].format(
            lead=lead.id,
            measure=vocab.label("measures", measure.kind),
            addressee=measure.addressee,
            due=f"{measure.deadline.year}年{measure.deadline.month}月{measure.deadline.day}日",
        )
        for user in _recipients(session, work):
            exists = session.scalar(
                select(Notification.id).where(
                    Notification.user_id == user.id,
                    Notification.measure_id == measure.id,
                    Notification.kind == kind,
                )
            )
            if exists is not None:
                result.already += 1
                continue
            note = Notification(
                user_id=user.id,
                measure_id=measure.id,
                lead_id=lead.id,
                kind=kind,
                due=measure.deadline,
                message=message,
                created_at=now,
            )
            session.add(note)
            session.flush()
            subject = message.split("】", 1)[0] + "】"
            session.add(
                OutboxMessage(
                    notification_id=note.id,
                    recipient=user.username,
                    subject=subject,
                    body=message,
                    created_at=now,
                )
            )
            result.created += 1
    session.flush()
    return result


def _view(note: Notification) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "lead_id": note.lead_id,
        "measure_id": note.measure_id,
        "due": note.due.isoformat() if note.due else None,
        "message": note.message,
        "created_at": note.created_at.isoformat(),
        "read": note.read_at is not None,
    }


def inbox(session: Session, principal: Principal, unread: bool = False) -> list[dict[str, Any]]:
    """The principal's own reminders, newest first."""
    query = select(Notification).where(Notification.user_id == principal.user_id)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return [_view(n) for n in session.scalars(query.order_by(Notification.id.desc()))]


def mark_read(session: Session, principal: Principal, notification_id: int) -> dict[str, Any]:
    """Mark one of the principal's reminders read."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != principal.user_id:
        raise NotFound(f"reminder {notification_id} not found")
    note.read_at = note.read_at or utcnow()
    return _view(note)
