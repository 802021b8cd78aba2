"""Masked reads, unmasking with a purpose, and the evidence bundle."""

from __future__ import annotations

import json

import duckdb
import pytest
from ops_fixtures import make_lead
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import Forbidden, InvalidInput
from procura.workflow import dossier, queries, service
from procura.workflow.views import to_dict

ID = "330110201005061234"
COURT = "case_handling: court filing of the notice"
NOTICE = "case_handling: draft the notice"
P = dict[str, Principal]


@pytest.fixture
def lead(db: Session, settings: Settings, people: P) -> str:
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(
        "CREATE TABLE police_reports (report_id VARCHAR, victim_name VARCHAR, victim_id_no VARCHAR, "
        "victim_birth_date DATE, received_at TIMESTAMP, offense_type VARCHAR, description VARCHAR)"
    )
    con.execute(
        "INSERT INTO police_reports VALUES ('PR-L-1', '张小明', ?, DATE '2010-05-06', "
        "TIMESTAMP '2026-03-01 10:00', 'online_defamation', ?)",
        [ID, f"张小明<script>&被造谣，身份证{ID}"],
    )
    con.close()
    make_lead(
        db,
        "L-1",
        status="investigating",
        subject={"kind": "person", "name": "张小明", "id_no": ID, "birth_date": "2010-05-06"},
        explanation_zh=f"被害人张小明（{ID}）遭网络诽谤，未立案。",
    )
    service.assign(db, people["head"], "L-1", "handler")
    return "L-1"


def test_a_lead_page_masks_subject_and_explanation(db: Session, people: P, lead: str) -> None:
    detail = queries.get_lead(db, people["handler2"], lead)
    text = json.dumps(to_dict(detail), ensure_ascii=False, default=str)
    assert ID not in text and ID not in detail.explanation_zh and "张小明" not in detail.explanation_zh
    assert detail.subject["name"] == "张某" and detail.masked


def test_evidence_rows_are_masked_and_the_read_audited(
    db: Session, settings: Settings, people: P, lead: str
) -> None:
    records = dossier.evidence_records(db, settings, people["handler2"], lead)
    row = records[0]["row"]
    assert row["victim_name"] == "张某" and row["victim_id_no"] == "330110" + "*" * 12
    assert ID not in row["description"] and "<script>&" in row["description"]
    db.commit()  # a read's entry is appended inside its transaction's commit (ADR 0566)
    assert audit.list_entries(db, action="lead.read_evidence")[1] == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("handler", True),
        ("head", True),
        ("chief", True),
        ("handler2", False),
        ("pi_head", False),
        ("analyst", False),
        ("city_chief", False),
    ],
)
def test_only_the_handler_and_their_heads_unmask(
    db: Session, settings: Settings, people: P, lead: str, who: str, allowed: bool
) -> None:
    if not allowed:
        with pytest.raises(Forbidden):
            dossier.unmask(db, settings, people[who], lead, NOTICE)
        return
    data = dossier.unmask(db, settings, people[who], lead, NOTICE)
    assert data["subject"]["id_no"] == ID and data["records"][0]["row"]["victim_name"] == "张小明"
    entries, _ = audit.list_entries(db, action="lead.unmask")
    assert (entries[0].actor, entries[0].purpose, entries[0].object_id) == (who, NOTICE, lead)


@pytest.mark.parametrize(
    "purpose",
    [
        "  ",
        "aaaa",  # passed before: a length check only
        "draft the notice",  # no listed purpose
        "review: aaaaaaaaaaaa",  # the same letter over and over
        "review: 核实一下",  # too short
        "gossip: 想看看这个人是谁的身份证号",
    ],
)
def test_unmasking_needs_a_listed_purpose_and_a_reason(
    db: Session, settings: Settings, people: P, lead: str, purpose: str
) -> None:
    with pytest.raises(InvalidInput, match="purpose"):
        dossier.unmask(db, settings, people["handler"], lead, purpose)


def test_a_listed_purpose_with_a_reason_in_chinese_passes(
    db: Session, settings: Settings, people: P, lead: str
) -> None:
    data = dossier.unmask(db, settings, people["handler"], lead, "review：核实被害人身份以便通知家属")
    assert data["subject"]["id_no"] == ID


def test_the_bundle_is_one_masked_file(db: Session, settings: Settings, people: P, lead: str) -> None:
    path = dossier.write_bundle(db, settings, people["handler"], lead)
    text = path.read_text(encoding="utf-8")
    content = json.loads(text)
    assert ID not in text and "张小明" not in text
    assert content["bundle"]["masked"] is True
    assert content["legal_basis"] and content["legal_basis"][0]["ref"]
    assert [e["action"] for e in content["history"]] == ["assign"]
    assert content["records"][0]["row"]["report_id"] == "PR-L-1"
    assert content["lead"]["summary"]["id"] == lead
    assert audit.list_entries(db, action="lead.export_bundle")[1] == 1


def test_an_unmasked_bundle_needs_the_right_person(
    db: Session, settings: Settings, people: P, lead: str
) -> None:
    with pytest.raises(Forbidden):
        dossier.bundle(db, settings, people["handler2"], lead, unmask_purpose=COURT)
    content = dossier.bundle(db, settings, people["handler"], lead, unmask_purpose=COURT)
    assert content["lead"]["subject"]["id_no"] == ID and content["bundle"]["masked"] is False


def test_without_a_warehouse_the_rows_are_missing_not_an_error(
    db: Session, settings: Settings, people: P
) -> None:
    make_lead(db, "L-2")
    assert dossier.evidence_records(db, settings, people["chief"], "L-2")[0]["row"] is None


def test_an_extra_catalogue_model_keeps_its_legal_basis(db: Session, settings: Settings, people: P) -> None:
    basis = [{"ref": "PIPL art. 70", "zh": "《个人信息保护法》第七十条", "en": "PIPL, art. 70"}]
    make_lead(db, "L-x", model_id="my-own-model", legal_basis=basis)
    db.commit()
    content = dossier.bundle(db, settings, people["chief"], "L-x")
    assert content["legal_basis"] == basis
