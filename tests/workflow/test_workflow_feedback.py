"""Model feedback (precision, lead-to-measure rate) and the look-back (回头看)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from ops_fixtures import make_lead
from sqlalchemy import select
from sqlalchemy.orm import Session

from procura import clock
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import Forbidden
from procura.ingest.service import ingest
from procura.leads.orm import Lead, ModelRun, RunFinding
from procura.workflow import feedback, lookback, queries, service
from procura.workflow.orm import LeadWork

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


def _run(db: Session, as_of: date, *fingerprints: str) -> int:
    run = ModelRun(
        model_id="unfiled-online-defamation", model_version="1", engine="duckdb", as_of=as_of, params={}
    )
    db.add(run)
    db.flush()
    db.add_all([RunFinding(run_id=run.id, fingerprint=fp) for fp in fingerprints])
    db.flush()
    return run.id


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


HEADER = (
    "report_id,region_code,police_unit,received_at,offense_type,victim_name,victim_id_no,victim_birth_date,"
    "victim_phone,suspect_name,suspect_id_no,description,views_count,reposts_count,filed,filed_at,"
    "police_case_no,not_filed_reason\n"
)


def _deliver(settings: Settings, tmp_path: Path, name: str, *rows: str) -> str:
    """Ingest police reports (``report_id,views``) as one batch; returns the batch status."""
    body = "".join(
        f"{rid},330110,余杭区公安分局,2026-03-01,online_defamation,王小明,,,,李四,,造谣,{views},900,false,,,情节轻微\n"
        for rid, views in (row.split(":") for row in rows)
    )
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "police_reports.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return ingest(settings, path).files[0].status


def test_lookback_persists_only_on_facts_delivered_after_the_response(
    db: Session, settings: Settings, people: P, tmp_path: Path
) -> None:
    """A later run over the data as it was before the response proves nothing: ``unconfirmed``.

    Neither the same file sent again nor another file that repeats the row unchanged makes it
    "persists"; a new version of the anchoring record, delivered after the response, does.
    """
    assert _deliver(settings, tmp_path, "before", "PR-L-1:6000") == "loaded"
    _answered(db, settings, people)
    _run(db, clock.today() + timedelta(days=30), "fp-L-1")
    assert _lookback(db, people) == ("unconfirmed", [])
    assert _deliver(settings, tmp_path, "same-file", "PR-L-1:6000") == "unchanged"
    assert _deliver(settings, tmp_path, "repeat", "PR-L-1:6000", "PR-other:10") == "loaded"
    assert _lookback(db, people) == ("unconfirmed", [])
    # The record comes in again, changed (more views): the anchoring fact is still there.
    assert _deliver(settings, tmp_path, "after", "PR-L-1:7000") == "loaded"
    lb = queries.get_lead(db, people["chief"], "L-1").lookback
    assert (lb.status, lb.recurrences, lb.fresh_facts) == ("persists", ["L-1"], ["police_reports:PR-L-1"])


def test_lookback_without_a_warehouse_never_says_persists(
    db: Session, settings: Settings, people: P
) -> None:
    _answered(db, settings, people)
    _run(db, clock.today() + timedelta(days=30), "fp-L-1")
    assert _lookback(db, people) == ("unconfirmed", [])


def test_lookback_recurred_when_a_new_lead_appears_at_the_same_body(
    db: Session, settings: Settings, people: P
) -> None:
    _answered(db, settings, people)
    make_lead(db, "L-new", subject_entity_id="E-L-1")  # same model, same subject entity, a new report
    _run(db, clock.today() + timedelta(days=30), "fp-L-new")
    assert _lookback(db, people) == ("recurred", ["L-new"])


def test_lookback_plants_recurrence_persistence_and_a_true_fix(
    db: Session, settings: Settings, people: P, tmp_path: Path
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
    # Unchanged data: the lead itself is found again, but on facts from before the response.
    _run(db, later + timedelta(days=1), "fp-L-1")
    assert _lookback(db, people) == ("unconfirmed", [])
    # Persistence: the anchoring record is delivered again after the response, still there.
    assert _deliver(settings, tmp_path, "after", "PR-L-1:7000") == "loaded"
    assert _lookback(db, people) == ("persists", ["L-1"])
    # Recurrence: a new lead about the same subject entity.
    make_lead(
        db,
        "L-again",
        subject_entity_id="E-L-1",
        anchor=[{"table": "police_reports", "key": {"report_id": "PR-9"}}],
    )
    # An older lead about the same subject (first found before the response) is no recurrence.
    earlier = _run(db, clock.today() - timedelta(days=10), "fp-L-older")
    make_lead(
        db,
        "L-older",
        subject_entity_id="E-L-1",
        first_run_id=earlier,
        anchor=[{"table": "police_reports", "key": {"report_id": "PR-8"}}],
    )
    _run(db, later + timedelta(days=2), "fp-L-again", "fp-L-1", "fp-L-older")
    assert _lookback(db, people) == ("recurred", ["L-1", "L-again"])
    # The sweep stores the link to the original and its measure and routes the new lead home.
    make_office_of = db.get(LeadWork, "L-1")
    assert make_office_of is not None
    make_office_of.office_id = "330106-county"  # the original is now handled by the sibling office
    sweep = lookback.record_lookbacks(db, settings)
    assert sweep.linked == [("L-again", "L-1")] and sweep.routed == ["L-again"]
    assert lookback.record_lookbacks(db, settings).linked == []  # idempotent
    [measure] = queries.get_lead(db, people["sibling_chief"], "L-1").measures
    detail = queries.get_lead(db, people["sibling_chief"], "L-again")
    assert detail.links == [
        {"lead_id": "L-1", "kind": "lookback", "direction": "to", "measure_id": str(measure.id)}
    ]
    assert detail.summary.office == "330106-county"
    queue = queries.list_leads(db, people["sibling_chief"])
    assert "L-again" in [row.id for row in queue.items]
