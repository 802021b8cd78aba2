"""Fixtures of the access tests: the workflow test helpers on a fresh SQLite store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from procura.config import Settings

sys.path.insert(0, str(Path(__file__).parents[1] / "workflow"))
from ops_fixtures import migrated_template, sqlite_store


@pytest.fixture(scope="session")
def ops_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session."""
    return migrated_template(tmp_path_factory.mktemp("ops"))


@pytest.fixture
def factory(ops_template: Path, settings: Settings) -> sessionmaker[Session]:
    """A session factory on a fresh migrated store in the test's workspace."""
    return sqlite_store(ops_template, settings)


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session on the fresh store."""
    with factory() as session:
        yield session


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with minimal cost: the tests check behaviour, not hashing strength."""
    from argon2 import PasswordHasher

    from procura.access import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
