"""The keyed audit chain (ADR 0562): rewrites by whoever holds only the database are caught.

Each attack works on the SQLite file directly, as someone who can write
``procura.db`` but not the workspace's key file: before this change the chain
was plain SHA-256 and all three went unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from procura.access import audit, audit_keys
from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.db import session_scope


def _entries(factory: sessionmaker[Session], n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with session_scope(factory) as session:
            audit.record(session, SYSTEM, "lead.read", "lead", f"L-{i}")


def _rebuild_unkeyed(db: Path, edit_seq: int | None = None, drop_from: int | None = None) -> None:
    """Rewrite the chain with plain SHA-256 as the old code did (the attacker has no key)."""
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    if drop_from is not None:
        con.execute("DELETE FROM audit_log WHERE seq >= ?", (drop_from,))
    rows = con.execute(
        "SELECT seq, at, actor_id, actor, office_id, action, object_type, object_id, purpose, ip,"
        " details, key_id FROM audit_log ORDER BY seq"
    ).fetchall()
    prev = audit.GENESIS
    for seq, at, actor_id, actor, office, action, otype, oid, purpose, ip, details, key_id in rows:
        if seq == edit_seq:
            actor = "nobody"
        content = {
            "key_id": key_id,
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor": actor,
            "office_id": office,
            "action": action,
            "object_type": otype,
            "object_id": oid,
            "purpose": purpose,
            "ip": ip,
            "details": json.loads(details),
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        digest = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        con.execute(
            "UPDATE audit_log SET actor=?, prev_hash=?, hash=? WHERE seq=?", (actor, prev, digest, seq)
        )
        prev = digest
    con.execute("UPDATE audit_head SET seq=(SELECT MAX(seq) FROM audit_log), hash=? WHERE id=1", (prev,))
    con.commit()
    con.close()


def _verify(factory: sessionmaker[Session]) -> audit.VerifyReport:
    with session_scope(factory) as session:
        return audit.verify(session)


def test_a_chain_rebuilt_without_the_key_is_detected(factory, settings: Settings) -> None:
    _entries(factory, 5)
    assert _verify(factory).ok
    _rebuild_unkeyed(settings.home / "procura.db", edit_seq=3)
    report = _verify(factory)
    assert not report.ok and report.first_bad_seq == 1


def test_a_dropped_tail_with_a_rebuilt_head_is_detected(factory, settings: Settings) -> None:
    _entries(factory, 6)
    con = sqlite3.connect(settings.home / "procura.db")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    con.execute("DELETE FROM audit_log WHERE seq >= 5")
    prev = con.execute("SELECT hash FROM audit_log WHERE seq = 4").fetchone()[0]
    con.execute("UPDATE audit_head SET seq = 4, hash = ? WHERE id = 1", (prev,))
    con.commit()
    con.close()
    report = _verify(factory)
    assert not report.ok and report.first_bad_seq == 5
    assert any("head file" in p for p in report.problems)


def test_a_swapped_database_is_detected(factory, settings: Settings, tmp_path: Path) -> None:
    db = settings.home / "procura.db"
    _entries(factory, 3)
    factory.kw["bind"].dispose()  # checkpoint the WAL into the file
    old = tmp_path / "old.db"
    shutil.copyfile(db, old)
    _entries(factory, 3, start=3)
    # Put back an older copy, then let it grow with different entries of the same numbers.
    factory.kw["bind"].dispose()
    shutil.copyfile(old, db)
    _entries(factory, 3, start=100)
    report = _verify(factory)
    assert not report.ok and report.first_bad_seq == 4
    assert any("swapped" in p for p in report.problems), report.problems


def test_a_rotated_key_keeps_old_entries_verifiable(factory, settings: Settings) -> None:
    _entries(factory, 2)
    first = audit_keys.load_keyring(settings).current[0]
    second = audit_keys.rotate(settings)
    _entries(factory, 2, start=2)
    assert second != first
    with session_scope(factory) as session:
        assert _verify(factory).ok
        from procura.access.orm import AuditEntry

        assert [e.key_id for e in session.query(AuditEntry).order_by(AuditEntry.seq)] == [first] * 2 + [
            second
        ] * 2


def test_key_and_head_files_are_owner_only(factory, settings: Settings) -> None:
    _entries(factory, 1)
    for path in (audit_keys.key_file(settings), audit_keys.head_file(settings)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_lost_key_file_shows_every_entry_unverifiable(factory, settings: Settings) -> None:
    _entries(factory, 2)
    audit_keys.key_file(settings).unlink()
    report = _verify(factory)
    assert not report.ok and report.first_bad_seq == 1
