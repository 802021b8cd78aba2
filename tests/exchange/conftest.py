"""The exchange tests' world, on SQLite and on PostgreSQL: a migrated store, office users signed
in, an agency with a key."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from procura.access import auth
from procura.access.orm import User
from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.api import create_app
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.exchange import keys
from procura.migrations import open_store

sys.path.insert(0, str(Path(__file__).parents[1] / "workflow"))

PASSWORD = "correct-horse-9"
OFFICE = "330727-county"
USERS = {
    "admin": ("330000-province", "criminal", "admin"),
    "handler": (OFFICE, "criminal", "handler"),
    "head": (OFFICE, "criminal", "department_head"),
}


@dataclass
class World:
    settings: Settings
    sessions: sessionmaker[Session]
    client: TestClient
    tokens: dict[str, str]
    police_key: str
    other_key: str
    # Sessions for set-up and inspection with the system scope (the owner on PostgreSQL).
    system: sessionmaker[Session]

    def office(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    @staticmethod
    def agency(key: str) -> dict[str, str]:
        return {"X-API-Key": key}


@contextmanager
def _store(kind: str, settings: Settings) -> Iterator[tuple[sessionmaker[Session], sessionmaker[Session]]]:
    """A migrated store, as the app and as the system role: SQLite in the workspace (one and the
    same), or a throwaway PostgreSQL database whose app role is under row security and cannot take
    the system scope (skipped when unreachable, unless required)."""
    if kind == "sqlite":
        sessions = open_store(settings)
        yield sessions, sessions
        return
    from ops_fixtures import postgres_database

    with postgres_database(settings) as store:
        yield store.factory, store.system


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    settings = Settings(home=tmp_path / "ws").ensure()
    with pytest.MonkeyPatch.context() as patch, _store(request.param, settings) as (sessions, system):
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        with session_scope(system) as session:
            system_scope(session)
            for name, spec in USERS.items():
                add_user(session, SYSTEM, name, PASSWORD, *spec)
            admin = auth.principal_of(session.scalars(select(User).where(User.username == "admin")).one())
            keys.add_agency(
                session, admin, "panan-police", "磐安县公安局", "police", "330727", ["police_reports"]
            )
            keys.add_agency(
                session, admin, "panan-health", "磐安县卫生健康局", "health", "330727", ["medical_visits"]
            )
            police_key = keys.issue_key(session, admin, "panan-police")
            other_key = keys.issue_key(session, admin, "panan-health")
        client = TestClient(create_app(settings, sessions))
        tokens = {}
        for name in USERS:
            answer = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            tokens[name] = answer.json()["access_token"]
        yield World(settings, sessions, client, tokens, police_key, other_key, system)
