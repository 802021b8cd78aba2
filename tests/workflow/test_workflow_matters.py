"""One matter across prongs; measures checked against the prong; documents only for accepted leads."""

from __future__ import annotations

import pytest
from ops_fixtures import make_lead
from sqlalchemy.orm import Session

from procura import vocab
from procura.access.principal import Principal
from procura.config import Settings
from procura.documents.service import DocumentRequest, lead_document
from procura.errors import InvalidInput, InvalidTransition
from procura.workflow import service
from procura.workflow.matters import matter

P = dict[str, Principal]


def _victim(db: Session, lead_id: str, case_no: str, victim: str) -> None:
    anchor = [{"table": "criminal_case_victims", "key": {"case_no": case_no, "victim_key": victim}}]
    make_lead(
        db,
        lead_id,
        prong="criminal",
        model_id="vulnerable-victim-support",
        anchor=anchor,
        evidence=anchor,
        subject_entity_id=f"E-{victim}",
    )


def test_a_matter_spans_the_prongs_of_linked_leads(db: Session, settings: Settings, people: P) -> None:
    make_lead(db, "L-1", status="investigating")
    child = service.spawn(db, people["chief"], "L-1", "public_interest")
    service.act(db, settings, people["chief"], "L-1", "case_filing_notice")
    seen = matter(db, people["chief"], child.id)
    assert {lead["id"] for lead in seen.leads} == {"L-1", child.id}
    assert seen.prongs == ["criminal", "public_interest"]
    measures = {lead["id"]: [m["kind"] for m in lead["measures"]] for lead in seen.leads}
    assert measures["L-1"] == ["case_filing_notice"] and measures[child.id] == []
    # A handler of another department reads only what the jurisdiction allows.
    assert matter(db, people["pi_head"], child.id).hidden == 0


def test_the_victims_of_one_case_are_one_matter(db: Session, people: P) -> None:
    for n in range(5):
        _victim(db, f"L-v{n}", "(2026)浙0110刑初1号", f"V{n}")
    _victim(db, "L-other", "(2026)浙0110刑初2号", "V9")
    seen = matter(db, people["chief"], "L-v3")
    assert seen.case_no == "(2026)浙0110刑初1号"
    assert sorted(lead["id"] for lead in seen.leads) == [f"L-v{n}" for n in range(5)]


def test_measures_are_checked_against_the_prong(db: Session, settings: Settings, people: P) -> None:
    assert "filing_order" in vocab.measures_for("criminal")
    assert "support_prosecution" not in vocab.measures_for("criminal")
    for prong in vocab.codes("prongs"):
        assert set(vocab.measures_for(prong)) <= set(vocab.codes("measures"))
    make_lead(db, "L-c", status="investigating")
    with pytest.raises(InvalidInput, match="not a criminal measure"):
        service.act(db, settings, people["chief"], "L-c", "support_prosecution")
    assert service.act(db, settings, people["chief"], "L-c", "filing_order").kind == "filing_order"


def test_documents_only_for_accepted_leads(db: Session, settings: Settings, people: P) -> None:
    make_lead(db, "L-new")
    with pytest.raises(InvalidTransition, match="未受理"):
        lead_document(db, settings, people["chief"], "L-new", DocumentRequest())
