"""The full transition matrix: every state x every action, from a literal table."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from ops_fixtures import PgStore, make_lead, make_user, postgres_database
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.access.principal import Principal
from procura.clock import utcnow
from procura.config import Settings
from procura.db import set_scope
from procura.errors import InvalidTransition
from procura.leads.orm import Lead
from procura.workflow import service
from procura.workflow.lifecycle import ACTIONS, STATES
from procura.workflow.orm import LeadEvent, LeadWork, Measure

# Codes of the table below (states and actions).
STATE_CODES = {
    "new": "new",
    "acc": "accepted",
    "inv": "investigating",
    "awr": "awaiting_response",
    "rec": "rectified",
    "nrc": "not_rectified",
    "esc": "escalated",
    "trf": "transferred",
    "dis": "dismissed",
    "clo": "closed",
}
ACTION_CODES = {
    "accept": "accept",
    "dismiss": "dismiss",
    "assign": "assign",
    "transf": "transfer",
    "spawn": "spawn",
    "escal": "escalate",
    "design": "designate",
    "act": "act",
    "resp+": "respond_rectified",
    "resp-": "respond_not_rectified",
    "close": "close",
}
# Rows: the lead's state; columns: the action; cell: the state after it.
# "-" refused (InvalidTransition), "=" allowed and the state stays.
MATRIX = """
state  accept dismiss assign transf spawn escal design act  resp+ resp- close
new    acc    dis     -      trf    -     esc   trf    -    -     -     -
acc    -      dis     inv    trf    =     esc   trf    -    -     -     -
inv    -      dis     inv    trf    =     esc   -      awr  -     -     -
awr    -      -       -      -      =     -     -      -    rec   nrc   -
rec    -      -       -      -      -     -     -      -    -     -     clo
nrc    -      -       -      -      =     esc   -      awr  -     -     -
esc    acc    dis     -      -      -     -     trf    -    -     -     -
trf    acc    dis     -      -      -     -     -      -    -     -     -
dis    -      -       -      -      -     -     -      -    -     -     -
clo    -      -       -      -      -     -     -      -    -     -     -
"""


def _matrix() -> list[tuple[str, str, str]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header = [ACTION_CODES[code] for code in lines[0][1:]]
    return [
        (STATE_CODES[row[0]], action, STATE_CODES.get(row[i + 1], row[i + 1]))
        for row in lines[1:]
        for i, action in enumerate(header)
    ]


CASES = _matrix()


def _call(action: str, db: Session, settings: Settings, p: Principal, lead_id: str) -> Callable[[], object]:
    calls: dict[str, Callable[[], object]] = {
        "accept": lambda: service.triage(db, p, lead_id, "accept"),
        "dismiss": lambda: service.triage(db, p, lead_id, "dismiss", "false_match"),
        "assign": lambda: service.assign(db, p, lead_id, "handler2"),
        "transfer": lambda: service.transfer(db, p, lead_id, department="public_interest"),
        "spawn": lambda: service.spawn(db, p, lead_id, "public_interest"),
        "escalate": lambda: service.escalate(db, p, lead_id),
        "designate": lambda: service.designate(db, p, lead_id, "330110-county"),
        "act": lambda: service.act(db, settings, p, lead_id, "procuratorial_suggestion"),
        "respond_rectified": lambda: service.respond(db, p, lead_id, True, "fixed"),
        "respond_not_rectified": lambda: service.respond(db, p, lead_id, False, "refused"),
        "close": lambda: service.close(db, p, lead_id),
    }
    return calls[action]


def test_the_matrix_covers_every_state_and_action() -> None:
    assert {state for state, _, _ in CASES} == set(STATES)
    assert {action for _, action, _ in CASES} == set(ACTIONS)
    assert len(CASES) == len(STATES) * len(ACTIONS)


def _check(
    db: Session, settings: Settings, people: dict[str, Principal], state: str, action: str, expected: str
) -> None:
    """Put lead L-1 in ``state``, take ``action`` and compare with the table."""
    # Designation is done by a higher office; every other action by the county's chief.
    office, actor = ("330100-city", "city_chief") if action == "designate" else ("330110-county", "chief")
    # Set-up in the lead's office scope: the app role cannot take system scope (ADR 0570), and
    # an INSERT … RETURNING must see its new row (PostgreSQL row security).
    set_scope(db, office)
    lead = make_lead(db, "L-1", office=office, status=state)
    db.add(
        LeadWork(
            lead_id="L-1",
            office_id=office,
            department="criminal",
            handler_id=people["handler"].user_id,
            updated_at=utcnow(),
        )
    )
    if state == "awaiting_response":
        db.add(
            Measure(
                lead_id="L-1",
                office_id=office,
                kind="procuratorial_suggestion",
                addressee="x",
                issued_at=utcnow(),
                deadline=None,
            )
        )
    db.flush()
    call = _call(action, db, settings, people[actor], "L-1")
    events = select(func.count()).select_from(LeadEvent).where(LeadEvent.lead_id == "L-1")
    if expected == "-":
        with pytest.raises(InvalidTransition, match=action):
            call()
        db.refresh(lead)
        assert lead.status == state
        assert db.scalar(events) == 0
    else:
        call()
        assert db.get(Lead, "L-1").status == (state if expected == "=" else expected)  # type: ignore[union-attr]
        event = db.scalar(select(LeadEvent).where(LeadEvent.lead_id == "L-1"))
        assert event is not None and (event.action, event.from_status) == (action, state)


IDS = [f"{s}-{a}" for s, a, _ in CASES]


@pytest.mark.parametrize(("state", "action", "expected"), CASES, ids=IDS)
def test_transition(
    db: Session, settings: Settings, people: dict[str, Principal], state: str, action: str, expected: str
) -> None:
    _check(db, settings, people, state, action, expected)


@pytest.fixture(scope="module")
def pg_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgStore, dict[str, Principal]]]:
    with postgres_database(Settings(home=tmp_path_factory.mktemp("pg"))) as store:
        with store.system() as db:  # users are added by the operator (the app role cannot, unscoped)
            people = {
                "chief": make_user(db, "chief", "330110-county", "criminal", "chief"),
                "city_chief": make_user(db, "city_chief", "330100-city", "criminal", "chief"),
                "handler": make_user(db, "handler", "330110-county", "criminal", "handler"),
                "handler2": make_user(db, "handler2", "330110-county", "criminal", "handler"),
            }
            db.commit()
        yield store, people


@pytest.mark.postgres
@pytest.mark.parametrize(("state", "action", "expected"), CASES, ids=IDS)
def test_transition_on_postgres(
    pg_world: tuple[PgStore, dict[str, Principal]], state: str, action: str, expected: str
) -> None:
    store, people = pg_world
    with store.factory() as db:
        try:
            _check(db, Settings(), people, state, action, expected)
        finally:
            db.rollback()  # every case leaves the database as it found it


def test_the_escalating_office_keeps_reading_the_lead_but_cannot_act(db, settings, people) -> None:  # type: ignore[no-untyped-def]
    from ops_fixtures import make_lead

    from procura.errors import Forbidden, NotFound
    from procura.workflow import queries, service
    from procura.workflow.lifecycle import history_state

    make_lead(db, "L-esc")
    service.escalate(db, people["chief"], "L-esc")
    seen = queries.get_lead(db, people["chief"], "L-esc")
    assert seen.summary.office == "330100-city"
    with pytest.raises(Forbidden):
        service.triage(db, people["chief"], "L-esc", "accept")
    # A sibling office that never held it still sees nothing.
    with pytest.raises(NotFound):
        queries.get_lead(db, people["sibling_chief"], "L-esc")
    assert history_state("designate", "transferred") == "指定管辖 Designate"
