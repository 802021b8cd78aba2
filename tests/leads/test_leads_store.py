from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from procura.db import Base
from procura.leads.export import EXPORT_FIELDS, export_record, write
from procura.leads.fingerprint import canonical_json, fingerprint, lead_id
from procura.leads.orm import Lead, LeadRevision, RunFinding
from procura.leads.record import LeadRecord
from procura.leads.runs import revisions
from procura.leads.store import save_leads, start_run


@pytest.fixture
def session() -> Session:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)()


def record(key: str, region: str = "330110", evidence: tuple[str, ...] = (), **kw: Any) -> LeadRecord:
    anchor = [{"table": "police_reports", "key": {"report_id": key}}]
    values: dict[str, Any] = {
        "model_id": "m",
        "model_version": "1",
        "params": {"n": 1},
        "anchor": anchor,
        "evidence": anchor + [{"table": "mentions", "key": {"k": e}} for e in evidence],
        "subject": {"kind": "person", "entity_id": f"P-{key}", "name": "某"},
        "target": "公安机关",
        "region_code": region,
        "office": f"{region}-county",
        "prong": "criminal",
        "measure": "case_filing_notice",
        "score": 0.5,
        "explanation_zh": "说明",
        "explanation_en": "why",
        "details": {},
    }
    values.update(kw)
    return LeadRecord(fingerprint=fingerprint(values["model_id"], anchor), **values)


def _save(session: Session, leads: list[LeadRecord]):  # type: ignore[no-untyped-def]
    run = start_run(session, "m", "1", "duckdb", date(2026, 6, 30), {"n": 1})
    outcome = save_leads(session, run, leads)
    session.commit()
    return outcome


def test_fingerprint_is_canonical() -> None:
    a = [{"table": "t", "key": {"a": "1", "b": "2"}}]
    b = [{"key": {"b": "2", "a": "1"}, "table": "t"}]
    assert fingerprint("m", a) == fingerprint("m", b)
    assert fingerprint("m", a) != fingerprint("n", a)
    assert canonical_json(b) == '[{"key":{"a":"1","b":"2"},"table":"t"}]'
    assert lead_id("abcdef0123456789ff") == "L-abcdef0123456789"


def test_save_is_idempotent_and_keeps_status(session: Session) -> None:
    first = _save(session, [record("R1"), record("R2")])
    assert (first.found, first.new, first.updated, first.unchanged) == (2, 2, 0, 0)
    lead = session.scalars(select(Lead).where(Lead.id == record("R1").lead_id)).one()
    lead.status = "accepted"
    session.commit()
    again = _save(session, [record("R1"), record("R2")])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    changed = _save(session, [record("R1", evidence=("x",)), record("R2", score=0.9)])
    assert (changed.new, changed.updated) == (0, 2)
    history = [r.change for r in revisions(session, record("R1").lead_id)]
    assert history == ["created", "evidence_changed"]
    assert [r.change for r in revisions(session, record("R2").lead_id)] == ["created", "updated"]
    lead = session.scalars(select(Lead).where(Lead.id == record("R1").lead_id)).one()
    assert lead.status == "accepted" and len(lead.evidence) == 2
    assert len(list(session.scalars(select(RunFinding)))) == 6
    assert len(list(session.scalars(select(LeadRevision)))) == 4


def test_export_has_every_field_of_the_spec(session: Session) -> None:
    _save(session, [record("R1")])
    leads = list(session.scalars(select(Lead)))
    out = io.StringIO()
    assert write(leads, out, "jsonl") == 1
    row = json.loads(out.getvalue())
    spec_fields = {
        "lead_id",
        "fingerprint",
        "model_id",
        "model_version",
        "params",
        "anchor",
        "evidence",
        "subject",
        "target",
        "region_code",
        "office",
        "prong",
        "measure",
        "score",
        "status",
        "explanation",
    }
    assert spec_fields <= set(row)
    assert row["anchor"] == [{"table": "police_reports", "key": {"report_id": "R1"}}]
    assert row == json.loads(json.dumps(export_record(leads[0]), ensure_ascii=False))
    out = io.StringIO()
    write(leads, out, "csv")
    (parsed,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(parsed) == list(EXPORT_FIELDS)
    assert json.loads(parsed["anchor"]) == row["anchor"] and parsed["office"] == "330110-county"
    with pytest.raises(ValueError, match="jsonl or csv"):
        write(leads, io.StringIO(), "xml")
