"""``procura remind``: deadlines near or past notify the handler and the department head once."""

from __future__ import annotations

from datetime import timedelta

from ops_fixtures import make_lead
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from procura import clock
from procura.access.principal import Principal
from procura.cli import app
from procura.config import Settings
from procura.workflow import reminders, service
from procura.workflow.orm import Measure, OutboxMessage

P = dict[str, Principal]


def _measure(db: Session, settings: Settings, people: P, lead_id: str, days: int) -> Measure:
    make_lead(db, lead_id, status="investigating")
    service.assign(db, people["head"], lead_id, "handler")
    measure = service.act(db, settings, people["handler"], lead_id, "case_filing_notice")
    measure.deadline = clock.today() + timedelta(days=days)
    db.flush()
    return measure


def test_near_and_past_deadlines_notify_handler_and_head_once(
    db: Session, settings: Settings, people: P
) -> None:
    near = _measure(db, settings, people, "L-near", 3)
    past = _measure(db, settings, people, "L-past", -1)
    _measure(db, settings, people, "L-far", 30)
    answered = _measure(db, settings, people, "L-done", 1)
    service.respond(db, people["handler"], "L-done", True)
    db.commit()

    first = reminders.remind(db, settings)
    assert (first.measures, first.created) == (2, 4)
    again = reminders.remind(db, settings)
    assert (again.created, again.already) == (0, 4)

    mine = reminders.inbox(db, people["handler"])
    assert {(n["lead_id"], n["kind"]) for n in mine} == {("L-near", "approaching"), ("L-past", "overdue")}
    assert "已逾期" in next(n["message"] for n in mine if n["kind"] == "overdue")
    assert {n["measure_id"] for n in reminders.inbox(db, people["head"])} == {near.id, past.id}
    assert answered.id not in {n["measure_id"] for n in mine}
    assert reminders.inbox(db, people["handler2"]) == []
    assert (
        db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) == 4
    )

    read = reminders.mark_read(db, people["handler"], mine[0]["id"])
    assert read["read"] and len(reminders.inbox(db, people["handler"], unread=True)) == 1


def test_remind_on_the_command_line_is_idempotent(db: Session, settings: Settings, people: P) -> None:
    _measure(db, settings, people, "L-cli", 2)
    db.commit()
    runner = CliRunner()
    first = runner.invoke(app, ["-w", str(settings.home), "remind"])
    assert first.exit_code == 0, first.output and "2 reminders created" in first.output
    second = runner.invoke(app, ["-w", str(settings.home), "remind"])
    assert second.exit_code == 0 and "0 reminders created" in second.output
