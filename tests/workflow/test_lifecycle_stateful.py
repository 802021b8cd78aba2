"""Hypothesis stateful test of the lead lifecycle (ADR 0575).

Random users (each role, four offices, two departments) take random actions on a
few leads through the workflow service, each action one transaction as the API
runs it (committed, or rolled back on a refusal). After every step:

- every lead is in a state of the vocabulary, its status is the last event's
  ``to_status``, and each event is a transition of the table in
  ``procura.workflow.lifecycle`` starting where the previous one ended;
- the history is append-only: every event seen before is still there, unchanged;
- a refused action changed nothing (leads, workflow rows, events, measures, audit);
- an accepted action moved the lead as the transition table says;
- a user sees a lead (queue and lead page) only when its handling office is
  their office or below it (or their office escalated it), never a sibling's;
- the audit chain verifies.

Bounded for ``make test`` (SQLite): 30 sequences of up to 15 steps.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from ops_fixtures import make_lead, make_user, migrated_template, sqlite_store
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from procura import vocab
from procura.access import audit
from procura.access.orm import AuditEntry
from procura.access.principal import Principal
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.errors import NotFound, ProcuraError
from procura.leads.orm import Lead
from procura.workflow import queries, service
from procura.workflow.lifecycle import DISMISS_REASONS, MEASURES, STATES, TRANSITIONS
from procura.workflow.orm import LeadEvent, LeadWork, Measure
from procura.workflow.queries import LeadFilter
from procura.workflow.scope import load

# name: (office, department, role)
PEOPLE = {
    "handler": ("330110-county", "criminal", "handler"),
    "handler2": ("330110-county", "criminal", "handler"),
    "head": ("330110-county", "criminal", "department_head"),
    "chief": ("330110-county", "criminal", "chief"),
    "pi_handler": ("330110-county", "public_interest", "handler"),
    "pi_head": ("330110-county", "public_interest", "department_head"),
    "analyst": ("330110-county", "criminal", "analyst"),
    "sibling_chief": ("330106-county", "criminal", "chief"),
    "sibling_handler": ("330106-county", "criminal", "handler"),
    "city_chief": ("330100-city", "criminal", "chief"),
    "city_head": ("330100-city", "criminal", "department_head"),
    "city_handler": ("330100-city", "criminal", "handler"),
    "province_chief": ("330000-province", "criminal", "chief"),
    "auditor": ("330000-province", "criminal", "auditor"),
    "admin": ("330100-city", "criminal", "admin"),
}
LEADS = ("L-S1", "L-S2", "L-S3")
VIEWERS = ("handler", "sibling_chief", "city_head", "province_chief")
OFFICES = ("330110-county", "330106-county", "330100-city", "330200-city", "330000-province")
DEPARTMENTS = ("criminal", "public_interest", "civil")
# One migrated SQLite file, copied for each sequence.
_TEMPLATE: dict[str, Path] = {}
OUTCOMES: Counter[str] = Counter()

users = st.sampled_from(sorted(PEOPLE))
leads = st.sampled_from(LEADS)
notes = st.sampled_from(["", "依法处理 handled per the law"])


def _covers(viewer: str, office: str) -> bool:
    """The region rule, independent of the code under test: a county sees itself; a city its
    counties (first four digits); a province its cities and counties (first two digits)."""
    viewer_code, _, level = viewer.partition("-")
    code = office.partition("-")[0]
    if level == "county":
        return viewer == office
    if level == "city":
        return code[:4] == viewer_code[:4]
    return code[:2] == viewer_code[:2]


class LeadLifecycle(RuleBasedStateMachine):
    """The workflow service under random users and actions."""

    def __init__(self) -> None:
        super().__init__()
        self.home = Path(tempfile.mkdtemp(prefix="i10fuzz-lifecycle-"))
        self.settings = Settings(home=self.home / "ws").ensure()
        if "path" not in _TEMPLATE:
            _TEMPLATE["path"] = migrated_template(Path(tempfile.mkdtemp(prefix="i10fuzz-template-")))
        self.factory: sessionmaker[Session] = sqlite_store(_TEMPLATE["path"], self.settings)
        self.people: dict[str, Principal] = {}
        self.seen_events: dict[int, tuple[Any, ...]] = {}
        self.expected: dict[str, str] = {}

    @initialize()
    def setup(self) -> None:
        with session_scope(self.factory) as session:
            system_scope(session)
            for name, (office, department, role) in PEOPLE.items():
                self.people[name] = make_user(session, name, office, department, role)
            for lead_id in LEADS:
                make_lead(session, lead_id)
                self.expected[lead_id] = "new"

    def teardown(self) -> None:
        self.factory.kw["bind"].dispose()

    # -- the store as plain data ------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self.factory() as session:
            system_scope(session)
            return {
                "leads": {
                    lead.id: (lead.status, lead.prong, lead.office)
                    for lead in session.scalars(select(Lead).order_by(Lead.id))
                },
                "work": {
                    w.lead_id: (w.office_id, w.department, w.handler_id, w.dismiss_reason)
                    for w in session.scalars(select(LeadWork))
                },
                "events": {e.id: _event_row(e) for e in session.scalars(select(LeadEvent))},
                "measures": {
                    m.id: (m.lead_id, m.kind, m.response_at, m.response_outcome)
                    for m in session.scalars(select(Measure))
                },
                "audit": session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)),
            }

    def attempt(self, lead_id: str, action: str, call: Any) -> None:
        """One request: ``call(session)`` in a transaction; check what it changed."""
        before = self.snapshot()
        try:
            with session_scope(self.factory) as session:
                call(session)
        except ProcuraError as exc:
            event(f"{action}: refused ({exc.code})")
            OUTCOMES[f"{action} refused"] += 1
            after = self.snapshot()
            assert after == before, f"refused {action} on {lead_id} changed the store"
            return
        event(f"{action}: done")
        OUTCOMES[f"{action} done"] += 1
        after = self.snapshot()
        old = before["leads"][lead_id][0]
        new = after["leads"][lead_id][0]
        target = TRANSITIONS[action][old]
        assert new == (old if target is None else target), f"{action}: {old} → {new}"
        added = [after["events"][i] for i in sorted(set(after["events"]) - set(before["events"]))]
        assert [(e[0], e[3], e[4], e[5]) for e in added] == [(lead_id, action, old, new)], added
        assert (after["audit"] or 0) > (before["audit"] or 0), f"{action} left no audit entry"
        self.expected[lead_id] = new
        for child in set(after["leads"]) - set(before["leads"]):
            self.expected[child] = after["leads"][child][0]

    # -- rules: every action of the lifecycle ----------------------------------------------

    @rule(user=users, lead=leads, note=notes)
    def accept(self, user: str, lead: str, note: str) -> None:
        who = self.people[user]
        self.attempt(lead, "accept", lambda s: service.triage(s, who, lead, "accept", note=note))

    @rule(user=users, lead=leads, reason=st.sampled_from(DISMISS_REASONS), note=notes)
    def dismiss(self, user: str, lead: str, reason: str, note: str) -> None:
        who = self.people[user]
        self.attempt(lead, "dismiss", lambda s: service.dismiss(s, who, lead, reason, note))

    @rule(
        user=users,
        lead=leads,
        handler=st.sampled_from(["handler", "handler2", "pi_handler", "city_handler", "head", "nobody"]),
        department=st.sampled_from([None, "criminal", "public_interest"]),
    )
    def assign(self, user: str, lead: str, handler: str, department: str | None) -> None:
        who = self.people[user]
        self.attempt(lead, "assign", lambda s: service.assign(s, who, lead, handler, department))

    @rule(
        user=users,
        lead=leads,
        department=st.sampled_from([None, *DEPARTMENTS]),
        office=st.sampled_from([None, *OFFICES]),
    )
    def transfer(self, user: str, lead: str, department: str | None, office: str | None) -> None:
        who = self.people[user]
        self.attempt(lead, "transfer", lambda s: service.transfer(s, who, lead, department, office))

    @rule(user=users, lead=leads, department=st.sampled_from(DEPARTMENTS))
    def spawn(self, user: str, lead: str, department: str) -> None:
        who = self.people[user]
        self.attempt(lead, "spawn", lambda s: service.spawn(s, who, lead, department))

    @rule(user=users, lead=leads)
    def escalate(self, user: str, lead: str) -> None:
        who = self.people[user]
        self.attempt(lead, "escalate", lambda s: service.escalate(s, who, lead))

    @rule(
        user=users,
        lead=leads,
        office=st.sampled_from(OFFICES),
        department=st.sampled_from([None, "criminal", "public_interest"]),
    )
    def designate(self, user: str, lead: str, office: str, department: str | None) -> None:
        who = self.people[user]
        self.attempt(lead, "designate", lambda s: service.designate(s, who, lead, office, department))

    @rule(user=users, lead=leads, kind=st.sampled_from(MEASURES))
    def act(self, user: str, lead: str, kind: str) -> None:
        who = self.people[user]
        self.attempt(lead, "act", lambda s: service.act(s, self.settings, who, lead, kind))

    @rule(user=users, lead=leads, rectified=st.booleans())
    def respond(self, user: str, lead: str, rectified: bool) -> None:
        who = self.people[user]
        action = "respond_rectified" if rectified else "respond_not_rectified"
        self.attempt(lead, action, lambda s: service.respond(s, who, lead, rectified, "回复"))

    @rule(user=users, lead=leads, note=notes)
    def close(self, user: str, lead: str, note: str) -> None:
        who = self.people[user]
        self.attempt(lead, "close", lambda s: service.close(s, who, lead, note))

    @rule(lead=leads, rectified=st.booleans(), measure=st.integers(0, 3))
    def advance(self, lead: str, rectified: bool, measure: int) -> None:
        """The handling office's chief takes the lead's next step, so sequences reach deep states."""
        with self.factory() as session:
            system_scope(session)
            work = session.get(LeadWork, lead)
            office, department = (work.office_id, work.department) if work else ("330110-county", "criminal")
        chief = next((n for n, p in PEOPLE.items() if p[0] == office and p[2] == "chief"), "chief")
        who = self.people[chief]
        handler = next(
            (n for n, p in PEOPLE.items() if p[:2] == (office, department) and p[2] == "handler"), "handler"
        )
        kinds = vocab.measures_for(department)
        kind = kinds[measure % len(kinds)]
        state = self.expected[lead]
        steps: dict[str, tuple[str, Any]] = {
            "new": ("accept", lambda s: service.triage(s, who, lead, "accept")),
            "transferred": ("accept", lambda s: service.triage(s, who, lead, "accept")),
            "escalated": ("accept", lambda s: service.triage(s, who, lead, "accept")),
            "accepted": ("assign", lambda s: service.assign(s, who, lead, handler)),
            "investigating": ("act", lambda s: service.act(s, self.settings, who, lead, kind)),
            "not_rectified": ("act", lambda s: service.act(s, self.settings, who, lead, kind)),
            "awaiting_response": (
                "respond_rectified" if rectified else "respond_not_rectified",
                lambda s: service.respond(s, who, lead, rectified, "回复"),
            ),
        }
        action, call = steps.get(state, ("close", lambda s: service.close(s, who, lead)))
        self.attempt(lead, action, call)

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def states_and_history_are_legal(self) -> None:
        if not self.people:
            return
        with self.factory() as session:
            system_scope(session)
            events = list(session.scalars(select(LeadEvent).order_by(LeadEvent.id)))
            by_lead: dict[str, list[LeadEvent]] = {}
            for event in events:
                by_lead.setdefault(event.lead_id, []).append(event)
            for lead in session.scalars(select(Lead)):
                assert lead.status in STATES, lead.status
                state = "new"
                for event in by_lead.get(lead.id, []):
                    assert event.from_status == state, (lead.id, event.action, event.from_status, state)
                    target = TRANSITIONS[event.action][state]
                    assert event.to_status == (state if target is None else target), event.action
                    state = event.to_status
                assert lead.status == state == self.expected.get(lead.id, state), (lead.id, lead.status)
            # Append-only: every event seen before is still there, unchanged.
            now = {event.id: _event_row(event) for event in events}
            for event_id, row in self.seen_events.items():
                assert now.get(event_id) == row, f"event {event_id} rewritten or deleted"
            self.seen_events = now

    @invariant()
    def nobody_sees_outside_their_jurisdiction(self) -> None:
        if not self.people:
            return
        with self.factory() as session:
            system_scope(session)
            handling = {w.lead_id: w.office_id for w in session.scalars(select(LeadWork))}
            offices = {lead.id: handling.get(lead.id, lead.office) for lead in session.scalars(select(Lead))}
            escalations = {
                (e.lead_id, e.office_id)
                for e in session.scalars(select(LeadEvent).where(LeadEvent.action == "escalate"))
            }
        # Readers of one office share its jurisdiction: one reader per office is checked.
        for name in VIEWERS:
            who = self.people[name]
            with self.factory() as session:
                page = queries.list_leads(session, who, LeadFilter(), limit=100)
                listed = {item.id for item in page.items}
                in_scope = {lead for lead, office in offices.items() if _covers(who.office_id, office)}
                assert listed == in_scope, (name, listed, in_scope)
                for lead_id, office in offices.items():
                    may_read = _covers(who.office_id, office) or (lead_id, who.office_id) in escalations
                    try:
                        load(session, who, lead_id)
                        assert may_read, f"{name} read {lead_id} handled by {office}"
                    except NotFound:
                        assert not may_read, f"{name} cannot read {lead_id} handled by {office}"

    @invariant()
    def audit_chain_verifies(self) -> None:
        with self.factory() as session:
            system_scope(session)
            report = audit.verify(session)
            assert report.ok, report.problems


def _event_row(event: LeadEvent) -> tuple[Any, ...]:
    return (
        event.lead_id,
        event.actor,
        event.office_id,
        event.action,
        event.from_status,
        event.to_status,
        event.note,
        event.at,
        repr(sorted((event.data or {}).items())),
    )


LeadLifecycle.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=15,
    deadline=None,
    database=None,
    derandomize=True,  # the same sequences every run: CI stays deterministic
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_lifecycle_keeps_every_invariant() -> None:
    OUTCOMES.clear()
    LeadLifecycle.TestCase().runTest()
    print(sorted(OUTCOMES.items()))
    # The sequences reach deep into the lifecycle, not only refusals at its door.
    reached = {key.removesuffix(" done") for key, n in OUTCOMES.items() if key.endswith(" done") and n}
    deep = {"accept", "assign", "act", "respond_rectified", "respond_not_rectified", "close", "dismiss"}
    assert deep | {"transfer", "escalate"} <= reached, OUTCOMES
