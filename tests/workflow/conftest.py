"""Fixtures of the workflow tests: a migrated SQLite store per test, users and leads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_fixtures import make_user, migrated_template, sqlite_store
from sqlalchemy.orm import Session, sessionmaker

from procura.access.principal import Principal
from procura.config import Settings


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
    """One session on the fresh store (tests commit or flush as they need)."""
    with factory() as session:
        yield session


@pytest.fixture
def people(db: Session) -> dict[str, Principal]:
    """Users of 余杭 (county), its sibling 西湖, their city Hangzhou and province Zhejiang."""
    plan = {
        "chief": ("330110-county", "criminal", "chief"),
        "head": ("330110-county", "criminal", "department_head"),
        "handler": ("330110-county", "criminal", "handler"),
        "handler2": ("330110-county", "criminal", "handler"),
        "pi_head": ("330110-county", "public_interest", "department_head"),
        "pi_handler": ("330110-county", "public_interest", "handler"),
        "analyst": ("330110-county", "criminal", "analyst"),
        "auditor": ("330000-province", "criminal", "auditor"),
        "admin": ("330000-province", "criminal", "admin"),
        "sibling_chief": ("330106-county", "criminal", "chief"),
        "city_chief": ("330100-city", "criminal", "chief"),
        "city_head": ("330100-city", "criminal", "department_head"),
        "province_chief": ("330000-province", "criminal", "chief"),
    }
    out = {name: make_user(db, name, *spec) for name, spec in plan.items()}
    db.commit()
    return out
