"""A real operational store (SQLite file, migrated), users across offices, a TestClient.

The store, users and tokens are made once per test session; every test makes
its own leads, so tests do not depend on each other. Passwords are hashed with
argon2 at its lowest cost here, to keep the suite fast.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_world import World, build_world
from argon2 import PasswordHasher

from procura.access import auth


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield build_world(tmp_path_factory.mktemp("api-ws"))
