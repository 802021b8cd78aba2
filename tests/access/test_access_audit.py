"""The audit log's hash chain: verification, and detection of edited or deleted entries."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.errors import Forbidden

ALICE = Principal(7, "alice", "330110-county", "criminal", "handler", "10.0.0.1")
AUDITOR = Principal(8, "carol", "330000-province", "criminal", "auditor")


def _fill(db: Session, n: int = 5) -> None:
    for i in range(n):
        audit.record(db, ALICE, "lead.read", "lead", f"L-{i}", purpose="check", details={"i": i, "名": "张"})
    db.commit()


def _unprotect(db: Session) -> None:
    """What an attacker with file access could do: drop the append-only triggers."""
    for name in ("audit_log_no_update", "audit_log_no_delete"):
        db.execute(text(f"DROP TRIGGER {name}"))


def test_an_intact_chain_verifies(db: Session) -> None:
    _fill(db)
    report = audit.verify(db)
    assert (report.ok, report.entries, report.problems) == (True, 5, [])


def test_entries_record_who_what_when_why_and_where(db: Session) -> None:
    _fill(db, 1)
    entry = audit.list_entries(db)[0][0]
    assert (entry.actor, entry.action, entry.object_id, entry.purpose, entry.ip) == (
        "alice",
        "lead.read",
        "L-0",
        "check",
        "10.0.0.1",
    )
    assert entry.at is not None and entry.office_id == "330110-county"


def test_the_database_refuses_updates_and_deletes(db: Session) -> None:
    _fill(db, 2)
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("UPDATE audit_log SET purpose = 'x' WHERE seq = 1"))
    db.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM audit_log WHERE seq = 1"))


def test_an_edited_entry_is_named(db: Session) -> None:
    _fill(db)
    _unprotect(db)
    db.execute(text("UPDATE audit_log SET purpose = 'nothing to see' WHERE seq = 3"))
    report = audit.verify(db)
    assert not report.ok and report.first_bad_seq == 3
    assert any("entry 3" in p and "edited" in p for p in report.problems)


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(db: Session) -> None:
    _fill(db)
    _unprotect(db)
    db.execute(text("UPDATE audit_log SET hash = :h WHERE seq = 2"), {"h": "f" * 64})
    report = audit.verify(db)
    assert report.first_bad_seq == 2
    assert any("entry 3: link" in p for p in report.problems)


def test_a_deleted_entry_is_named(db: Session) -> None:
    _fill(db)
    _unprotect(db)
    db.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    report = audit.verify(db)
    assert not report.ok and report.first_bad_seq == 2
    assert any("entry 2 missing" in p for p in report.problems)


def test_a_cut_tail_is_detected(db: Session) -> None:
    _fill(db)
    _unprotect(db)
    db.execute(text("DELETE FROM audit_log WHERE seq >= 4"))
    report = audit.verify(db)
    assert not report.ok and report.first_bad_seq == 4
    assert any("4-5 missing" in p for p in report.problems)


def test_only_auditors_search_and_the_check_is_itself_audited(db: Session) -> None:
    _fill(db, 3)
    with pytest.raises(Forbidden):
        audit.search(db, ALICE)
    entries, total = audit.search(db, AUDITOR, actor="alice", limit=2)
    assert total == 3 and [e.seq for e in entries] == [3, 2]
    assert audit.check(db, AUDITOR).ok
    assert audit.list_entries(db, action="audit.verify")[1] == 1


def test_auditors_read_their_jurisdiction_only(db: Session) -> None:
    _fill(db, 2)  # by alice of 330110-county
    audit.record(db, None, "auth.login_failed", "user", "ghost", actor="ghost")
    sibling_auditor = Principal(9, "dan", "330106-county", "criminal", "auditor")
    county_auditor = Principal(10, "eve", "330110-county", "criminal", "auditor")
    assert audit.search(db, AUDITOR)[1] == 3
    assert audit.search(db, county_auditor)[1] == 3
    assert [e.actor for e in audit.search(db, sibling_auditor)[0]] == ["ghost"]
