"""Tampering with the audit log behind the application's back is caught by GET /audit/verify."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from api_world import PASSWORD
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from procura.access import auth
from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.api import create_app
from procura.config import Settings
from procura.db import session_scope
from procura.migrations import open_store


@pytest.fixture
def auditor_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[TestClient, dict[str, str], Path]:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    settings = Settings(home=tmp_path / "ws").ensure()
    sessions = open_store(settings)
    with session_scope(sessions) as session:
        add_user(session, SYSTEM, "auditor", PASSWORD, "330000-province", "criminal", "auditor")
        add_user(session, SYSTEM, "someone", PASSWORD, "330100-city", "civil", "analyst")
    client = TestClient(create_app(settings, sessions))
    token = client.post("/api/v1/auth/login", json={"username": "auditor", "password": PASSWORD}).json()
    return client, {"Authorization": f"Bearer {token['access_token']}"}, settings.home / "procura.db"


def _tamper(db: Path, sql: str) -> None:
    """What someone with the database file could do: drop the append-only triggers and rewrite."""
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2", "entry 2"),
        ("DELETE FROM audit_log WHERE seq = 2", "missing"),
        ("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)", "missing"),
    ],
)
def test_verify_names_the_edited_or_deleted_entry(auditor_client, sql: str, problem: str) -> None:
    client, headers, db = auditor_client
    for _ in range(3):
        client.post("/api/v1/auth/login", json={"username": "someone", "password": "wrong-password"})
    before = client.get("/api/v1/audit/verify", headers=headers).json()
    assert before["ok"] is True and before["entries"] >= 5
    _tamper(db, sql)
    after = client.get("/api/v1/audit/verify", headers=headers).json()
    assert after["ok"] is False
    assert after["first_bad_seq"] is not None and any(problem in text for text in after["problems"])
