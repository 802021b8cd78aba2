"""Model feedback (precision, lead-to-measure rate) and the look-back (回头看)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ops_fixtures import make_lead
from sqlalchemy import select
from sqlalchemy.orm import Session

from procura import clock
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import Forbidden
from procura.leads.orm import Lead, ModelRun, RunFinding
from procura.workflow import feedback, queries, service

P = dict[str, Principal]


def _triaged(db: Session, settings: Settings, people: P) -> None:
    chief = people["chief"]
    for n in range(4):
        make_lead(db, f"L-{n}")
    make_lead(db, "S-1", office="330106-county")
    service.triage(db, chief, "L-0", "dismiss", "false_match")
    service.triage(db, chief, "L-1", "accept")
    service.assign(db, chief, "L-1", "handler")
    service.act(db, settings, chief, "L-1", "case_filing_notice")
    service.triage(db, chief, "L-2", "accept")


def test_precision_and_measure_rate_per_model_and_office(db: Session, settings: Settings, people: P) -> None:
    _triaged(db, settings, people)
    [row] = feedback.model_stats(db, people["chief"], by_month=False)
    assert (row.office, row.leads, row.pending, row.confirmed, row.dismissed, row.with_measure) == (
        "330110-county",
        4,
        1,
        2,
        1,
        1,
    )
    assert row.precision == pytest.approx(2 / 3, abs=1e-4) and row.measure_rate == 0.25
    assert row.dismiss_reasons == {"false_match": 1}
    city = feedback.model_stats(db, people["city_chief"], by_month=False)
    assert [(r.office, r.leads) for r in city] == [("330106-county", 1), ("330110-county", 4)]
    [merged] = feedback.model_stats(db, people["city_chief"], by_office=False, by_month=False)
    assert merged.leads == 5 and merged.precision == pytest.approx(2 / 3, abs=1e-4)
    monthly = feedback.model_stats(db, people["chief"])
    assert len(monthly[0].month) == 7


def test_a_lead_dismissed_after_acceptance_counts_against_precision(
    db: Session, settings: Settings, people: P
) -> None:
    make_lead(db, "L-1")
    service.triage(db, people["chief"], "L-1", "accept")
    service.assign(db, people["chief"], "L-1", "handler")
    service.dismiss(db, people["handler"], "L-1", "data_error")
    [row] = feedback.model_stats(db, people["chief"])
    assert (row.confirmed, row.dismissed, row.precision) == (0, 1, 0.0)


def test_handlers_do_not_read_model_stats(db: Session, people: P) -> None:
    with pytest.raises(Forbidden):
        feedback.model_stats(db, people["handler"])


def _answered(db: Session, settings: Settings, people: P) -> None:
    make_lead(db, "L-1", status="investigating")
    service.act(db, settings, people["chief"], "L-1", "case_filing_notice")
    service.respond(db, people["chief"], "L-1", True, "filed")


def _run(db: Session, as_of: date, *fingerprints: str) -> None:
    run = ModelRun(
        model_id="unfiled-online-defamation", model_version="1", engine="duckdb", as_of=as_of, params={}
    )
    db.add(run)
    db.flush()
    db.add_all([RunFinding(run_id=run.id, fingerprint=fp) for fp in fingerprints])
    db.flush()


def _lookback(db: Session, people: P) -> tuple[str, list[str]]:
    lb = queries.get_lead(db, people["chief"], "L-1").lookback
    return lb.status, lb.recurrences


def test_lookback_is_not_applicable_before_a_response(db: Session, people: P) -> None:
    make_lead(db, "L-1")
    assert _lookback(db, people) == ("not_applicable", [])


def test_lookback_waits_for_a_run_on_newer_data(db: Session, settings: Settings, people: P) -> None:
    _answered(db, settings, people)
    _run(db, clock.today(), "fp-L-1")  # same day as the response: not newer data
    assert _lookback(db, people) == ("pending", [])


def test_lookback_clear_when_later_runs_find_nothing_there(
    db: Session, settings: Settings, people: P
) -> None:
    _answered(db, settings, people)
    make_lead(db, "L-elsewhere", target="西湖区公安分局", subject_entity_id="E-other")
    _run(db, clock.today() + timedelta(days=30), "fp-L-elsewhere")
    assert _lookback(db, people) == ("clear", [])


def test_lookback_persists_when_the_same_lead_is_found_again(
    db: Session, settings: Settings, people: P
) -> None:
    _answered(db, settings, people)
    _run(db, clock.today() + timedelta(days=30), "fp-L-1")
    assert _lookback(db, people) == ("persists", ["L-1"])


def test_lookback_recurred_when_a_new_lead_appears_at_the_same_body(
    db: Session, settings: Settings, people: P
) -> None:
    _answered(db, settings, people)
    make_lead(db, "L-new", subject_entity_id="E-L-1")  # same model, same subject entity, a new report
    _run(db, clock.today() + timedelta(days=30), "fp-L-new")
    assert _lookback(db, people) == ("recurred", ["L-new"])


def test_lookback_plants_recurrence_persistence_and_a_true_fix(
    db: Session, settings: Settings, people: P
) -> None:
    """The same generic target is not a recurrence; a spawned sibling on the same anchor is not one either."""
    make_lead(db, "L-1", status="investigating")
    service.spawn(db, people["chief"], "L-1", "public_interest")  # same anchor, other prong
    service.act(db, settings, people["chief"], "L-1", "case_filing_notice")
    service.respond(db, people["chief"], "L-1", True, "filed")
    later = clock.today() + timedelta(days=30)
    # A true fix: later runs find leads at bodies with the same target text but other subjects.
    make_lead(db, "L-same-target", subject_entity_id="E-other")  # target 余杭区公安分局 like L-1
    sibling = db.scalars(select(Lead).where(Lead.prong == "public_interest")).one()
    _run(db, later, "fp-L-same-target", sibling.fingerprint)
    assert _lookback(db, people) == ("clear", [])
    # Persistence: the lead itself is found again on newer data.
    _run(db, later + timedelta(days=1), "fp-L-1")
    assert _lookback(db, people) == ("persists", ["L-1"])
    # Recurrence: a new lead about the same subject entity.
    make_lead(
        db,
        "L-again",
        subject_entity_id="E-L-1",
        anchor=[{"table": "police_reports", "key": {"report_id": "PR-9"}}],
    )
    _run(db, later + timedelta(days=2), "fp-L-again")
    assert _lookback(db, people)[0] == "recurred" and "L-again" in _lookback(db, people)[1]
