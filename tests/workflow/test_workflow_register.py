"""The register of issued documents: numbers per office, kind and year, issued on finalise, never reused."""

from __future__ import annotations

import pytest
from ops_fixtures import make_lead
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from procura import clock
from procura.access.principal import Principal
from procura.config import Settings
from procura.documents.service import finalise
from procura.errors import InvalidTransition
from procura.workflow import service

P = dict[str, Principal]


def _measured(
    db: Session, settings: Settings, people: P, lead_id: str, kind: str = "case_filing_notice"
) -> None:
    make_lead(db, lead_id, status="investigating")
    service.act(db, settings, people["chief"], lead_id, kind, addressee=f"{lead_id} 分局")


def test_numbers_follow_the_register_and_are_never_reused(db: Session, settings: Settings, people: P) -> None:
    year = clock.today().year
    _measured(db, settings, people, "L-1")
    _measured(db, settings, people, "L-2")
    _measured(db, settings, people, "L-3", "procuratorial_suggestion")
    first = finalise(db, settings, people["chief"], "L-1")
    second = finalise(db, settings, people["chief"], "L-2")
    other_kind = finalise(db, settings, people["chief"], "L-3")
    assert [d.doc_no for d in first + second] == [f"余检刑要说〔{year}〕1号", f"余检刑要说〔{year}〕2号"]
    assert other_kind[0].doc_no == f"余检刑建〔{year}〕1号"
    # Finalising again gives the same documents, not new numbers.
    assert [d.id for d in finalise(db, settings, people["chief"], "L-1")] == [first[0].id]
    assert first[0].pdf.startswith(b"%PDF") and len(first[0].pdf_sha256) == 64
    assert first[0].addressee == "L-1 分局"
    db.commit()
    # The register is append-only: a number cannot be taken back or changed.
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM issued_documents WHERE id = :id"), {"id": first[0].id})
    db.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("UPDATE issued_documents SET seq = 9"))
    db.rollback()


def test_nothing_to_finalise_without_a_measure_or_before_acceptance(
    db: Session, settings: Settings, people: P
) -> None:
    make_lead(db, "L-x", status="investigating")
    with pytest.raises(InvalidTransition, match="no measure"):
        finalise(db, settings, people["chief"], "L-x")
    make_lead(db, "L-new")
    with pytest.raises(InvalidTransition, match="未受理"):
        finalise(db, settings, people["chief"], "L-new")
