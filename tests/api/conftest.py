"""The API tests' world on a real operational store: SQLite, and PostgreSQL (marked ``postgres``).

The store, users and tokens are made once per test session and backend; every
test makes its own leads, so tests do not depend on each other. On PostgreSQL
the app connects as a non-owner role, so row-level security applies (the
workflow engineer's ``postgres_database`` fixture, ADR 0501). Passwords are
hashed with argon2 at its lowest cost here, to keep the suite fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_world import World, build_world
from argon2 import PasswordHasher

from procura.access import auth
from procura.config import Settings

sys.path.insert(0, str(Path(__file__).parents[1] / "workflow"))
from ops_fixtures import postgres_database


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = Settings(home=tmp_path_factory.mktemp(f"api-{request.param}"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        if request.param == "sqlite":
            yield build_world(settings)
        else:
            with postgres_database(settings) as store:
                yield build_world(settings, store.factory, store.system)
