"""Workflow actions end to end on SQLite: who may do what, and what it changes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from ops_fixtures import make_lead
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from procura import clock
from procura.access import audit
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from procura.workflow import queries, service
from procura.workflow.deadlines import add_months, default_deadline
from procura.workflow.queries import LeadFilter

P = dict[str, Principal]


def test_a_lead_goes_from_new_to_closed_by_the_right_people(
    db: Session, settings: Settings, people: P
) -> None:
    make_lead(db, "L-1")
    service.triage(db, people["handler"], "L-1", "accept", note="looks real")
    service.assign(db, people["head"], "L-1", "handler")
    measure = service.act(db, settings, people["handler"], "L-1", "case_filing_notice", requested="explain")
    assert measure.addressee == "余杭区公安分局"
    service.respond(db, people["handler"], "L-1", True, "case filed")
    service.close(db, people["handler"], "L-1", "done")
    steps = [(e.action, e.actor, e.to_status) for e in queries.history(db, people["chief"], "L-1")]
    assert steps == [
        ("accept", "handler", "accepted"),
        ("assign", "head", "investigating"),
        ("act", "handler", "awaiting_response"),
        ("respond_rectified", "handler", "rectified"),
        ("close", "handler", "closed"),
    ]
    detail = queries.get_lead(db, people["chief"], "L-1")
    assert detail.summary.status == "closed" and detail.measures[0].response_outcome == "rectified"
    assert audit.verify(db).ok


def test_jurisdiction_own_and_below_never_sibling_or_above(db: Session, people: P) -> None:
    make_lead(db, "L-county")
    make_lead(db, "L-city", office="330100-city")
    make_lead(db, "L-sibling", office="330106-county")

    def visible(name: str) -> set[str]:
        return {item.id for item in queries.list_leads(db, people[name]).items}

    assert visible("chief") == {"L-county"}
    assert visible("sibling_chief") == {"L-sibling"}
    assert visible("city_chief") == {"L-county", "L-city", "L-sibling"}
    assert visible("province_chief") == {"L-county", "L-city", "L-sibling"}
    with pytest.raises(NotFound):
        queries.get_lead(db, people["sibling_chief"], "L-county")
    with pytest.raises(NotFound):
        queries.get_lead(db, people["chief"], "L-city")
    assert queries.get_lead(db, people["city_chief"], "L-county").summary.id == "L-county"


def test_a_higher_office_reads_but_does_not_act_on_a_lower_office_lead(db: Session, people: P) -> None:
    make_lead(db, "L-1")
    with pytest.raises(Forbidden, match="330110-county"):
        service.triage(db, people["city_chief"], "L-1", "accept")


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_do_not_read_leads(db: Session, people: P, role: str) -> None:
    make_lead(db, "L-1")
    with pytest.raises(Forbidden):
        queries.list_leads(db, people[role])


def test_department_role_and_assignment_limit_actions(db: Session, settings: Settings, people: P) -> None:
    make_lead(db, "L-1")
    with pytest.raises(Forbidden, match="department"):
        service.triage(db, people["pi_handler"], "L-1", "accept")
    with pytest.raises(Forbidden, match="role analyst"):
        service.triage(db, people["analyst"], "L-1", "accept")
    service.triage(db, people["handler"], "L-1", "accept")
    with pytest.raises(Forbidden, match="role handler"):
        service.assign(db, people["handler"], "L-1", "handler")
    with pytest.raises(Forbidden, match="chief"):
        service.assign(db, people["head"], "L-1", "pi_handler", department="public_interest")
    service.assign(db, people["head"], "L-1", "handler2")
    with pytest.raises(Forbidden, match="not assigned"):
        service.act(db, settings, people["handler"], "L-1", "case_filing_notice")
    service.act(db, settings, people["handler2"], "L-1", "case_filing_notice")
    with pytest.raises(InvalidInput, match="handler"):
        service.assign(db, people["head"], "L-1", "sibling_chief")


def test_the_chief_assigns_across_departments(db: Session, people: P) -> None:
    make_lead(db, "L-1", status="accepted")
    service.assign(db, people["chief"], "L-1", "pi_handler", department="public_interest")
    summary = queries.get_lead(db, people["chief"], "L-1").summary
    assert (summary.department, summary.handler) == ("public_interest", "pi_handler")


def test_dismissal_needs_a_reason_from_the_list(db: Session, people: P) -> None:
    make_lead(db, "L-1")
    with pytest.raises(InvalidInput, match="reason"):
        service.triage(db, people["handler"], "L-1", "dismiss", reason="boring")
    with pytest.raises(InvalidInput, match="note"):
        service.triage(db, people["handler"], "L-1", "dismiss", reason="other")
    with pytest.raises(InvalidInput, match="decision"):
        service.triage(db, people["handler"], "L-1", "maybe")
    service.triage(db, people["handler"], "L-1", "dismiss", reason="other", note="duplicate of a closed case")
    detail = queries.get_lead(db, people["chief"], "L-1")
    assert (detail.summary.status, detail.dismiss_reason) == ("dismissed", "other")


def test_transfer_to_another_department_is_triaged_there(db: Session, people: P) -> None:
    make_lead(db, "L-1", status="accepted")
    service.transfer(db, people["head"], "L-1", department="public_interest", note="civil PIL angle")
    with pytest.raises(Forbidden):
        service.triage(db, people["handler"], "L-1", "accept")
    service.triage(db, people["pi_handler"], "L-1", "accept")
    assert queries.get_lead(db, people["chief"], "L-1").summary.department == "public_interest"


def test_transfer_to_another_office_hands_it_over(db: Session, people: P) -> None:
    make_lead(db, "L-1")
    with pytest.raises(InvalidInput):
        service.transfer(db, people["head"], "L-1")
    with pytest.raises(InvalidInput, match="unknown office"):
        service.transfer(db, people["head"], "L-1", office="999999-county")
    # Before: a county head sent the lead to any office in the country; it left its own jurisdiction.
    with pytest.raises(Forbidden, match="outside the jurisdiction"):
        service.transfer(db, people["head"], "L-1", office="330106-county", note="wrong county")
    with pytest.raises(Forbidden, match="outside the jurisdiction"):
        service.transfer(db, people["head"], "L-1", office="110000-province")
    make_lead(db, "L-2", office="330100-city")
    service.transfer(db, people["city_head"], "L-2", office="330106-county", note="their county")
    with pytest.raises(NotFound):
        queries.get_lead(db, people["chief"], "L-2")
    service.triage(db, people["sibling_chief"], "L-2", "accept")


def test_spawn_opens_a_linked_lead_in_another_prong(db: Session, people: P) -> None:
    make_lead(db, "L-1", status="investigating")
    child = service.spawn(db, people["head"], "L-1", "public_interest", note="harm to many")
    assert (child.prong, child.status, child.office) == ("public_interest", "new", "330110-county")
    parent = queries.get_lead(db, people["chief"], "L-1")
    assert parent.summary.status == "investigating"
    assert parent.links == [{"lead_id": child.id, "kind": "spawned", "direction": "to"}]
    assert queries.get_lead(db, people["chief"], child.id).links[0]["lead_id"] == "L-1"
    service.triage(db, people["pi_handler"], child.id, "accept")
    with pytest.raises(InvalidTransition, match="already"):
        service.spawn(db, people["head"], "L-1", "public_interest")


def test_escalation_goes_up_and_designation_comes_down(db: Session, people: P) -> None:
    make_lead(db, "L-1", status="accepted")
    service.escalate(db, people["head"], "L-1", note="spans two counties")
    # The escalating office keeps reading the lead's course (ADR 0524); acting is the city's.
    assert queries.get_lead(db, people["chief"], "L-1").summary.office == "330100-city"
    assert queries.get_lead(db, people["city_chief"], "L-1").summary.office == "330100-city"
    with pytest.raises(InvalidInput, match="not below"):
        service.designate(db, people["city_head"], "L-1", "320100-city")
    service.designate(db, people["city_head"], "L-1", "330106-county")
    service.triage(db, people["sibling_chief"], "L-1", "accept")


def test_a_province_lead_cannot_escalate_further(db: Session, people: P) -> None:
    make_lead(db, "L-1", office="330000-province")
    with pytest.raises(InvalidInput, match="no higher office"):
        service.escalate(db, people["province_chief"], "L-1")


def test_measure_deadlines_default_from_settings(db: Session, settings: Settings, people: P) -> None:
    today = clock.today()
    cases = [
        ("procuratorial_suggestion", add_months(today, 2)),
        ("case_filing_notice", today + timedelta(days=7)),
        ("filing_order", today + timedelta(days=15)),
        ("protest", today + timedelta(days=30)),
    ]
    for n, (kind, expected) in enumerate(cases):
        make_lead(db, f"L-{n}", status="investigating")
        assert service.act(db, settings, people["chief"], f"L-{n}", kind).deadline == expected
    make_lead(db, "L-x", status="investigating")
    with pytest.raises(InvalidInput, match="past"):
        service.act(db, settings, people["chief"], "L-x", "protest", deadline=today - timedelta(days=1))
    with pytest.raises(InvalidInput, match="measure"):
        service.act(db, settings, people["chief"], "L-x", "strongly_worded_letter")


def test_add_months_clips_to_the_month_end() -> None:
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_overdue_measures_surface_on_their_own(db: Session, settings: Settings, people: P) -> None:
    make_lead(db, "L-1", status="investigating")
    make_lead(db, "L-2", status="investigating")
    service.act(db, settings, people["chief"], "L-1", "case_filing_notice")
    service.act(db, settings, people["chief"], "L-2", "case_filing_notice")
    service.respond(db, people["chief"], "L-2", False, "refused")
    later = clock.today() + timedelta(days=8)
    assert [s.id for s in queries.overdue(db, people["chief"], today=later)] == ["L-1"]
    assert queries.overdue(db, people["chief"]) == []
    assert queries.get_lead(db, people["chief"], "L-1", today=later).measures[0].overdue


def test_list_filters_and_pages(db: Session, people: P) -> None:
    for n in range(7):
        make_lead(db, f"L-{n}", score=n / 10, status="new" if n % 2 else "accepted")
    page = queries.list_leads(db, people["chief"], limit=3, offset=3)
    assert page.total == 7 and [s.id for s in page.items] == ["L-3", "L-2", "L-1"]
    assert queries.list_leads(db, people["chief"], LeadFilter(status="new")).total == 3
    assert {s.id for s in queries.list_leads(db, people["chief"], LeadFilter(severity="medium")).items} == {
        "L-5",
        "L-6",
    }
    assert queries.list_leads(db, people["chief"], LeadFilter(region="330100")).total == 7
    assert queries.list_leads(db, people["chief"], LeadFilter(region="330110")).total == 7
    assert queries.list_leads(db, people["chief"], LeadFilter(region="330106")).total == 0
    with pytest.raises(InvalidInput, match="region"):
        queries.list_leads(db, people["chief"], LeadFilter(region="3301"))
    assert queries.list_leads(db, people["chief"], LeadFilter(model="other")).total == 0
    with pytest.raises(InvalidInput, match="status"):
        queries.list_leads(db, people["chief"], LeadFilter(status="lost"))
    with pytest.raises(InvalidInput, match="limit"):
        queries.list_leads(db, people["chief"], limit=0)


def test_history_cannot_be_rewritten(db: Session, people: P) -> None:
    make_lead(db, "L-1")
    service.triage(db, people["handler"], "L-1", "accept")
    db.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("UPDATE lead_events SET note = 'rewritten'"))
    db.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM lead_events"))


def test_deadlines_are_configurable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PROCURA_MEASURE_DEADLINES", '{"protest": "10D", "procuratorial_suggestion": "1M"}')
    configured = Settings(home=tmp_path)
    issued = date(2026, 1, 31)
    assert default_deadline(configured, "protest", issued) == date(2026, 2, 10)
    assert default_deadline(configured, "procuratorial_suggestion", issued) == date(2026, 2, 28)
    assert default_deadline(configured, "case_filing_notice", issued) is None
    broken = Settings(home=tmp_path, measure_deadlines={"protest": "ten days"})
    with pytest.raises(InvalidInput, match="ten days"):
        default_deadline(broken, "protest", issued)
