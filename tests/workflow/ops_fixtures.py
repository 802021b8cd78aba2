"""Helpers for tests of the operational store, on SQLite and PostgreSQL.

Other test folders may use them: put ``tests/workflow`` on ``sys.path`` and
``import ops_fixtures`` (see tests/access/conftest.py and ADR 0501).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from procura.access.auth import hash_password
from procura.access.orm import User
from procura.access.principal import Principal
from procura.access.rls import grant_app_role
from procura.clock import utcnow
from procura.config import Settings
from procura.db import make_engine
from procura.leads.orm import Lead
from procura.migrations import upgrade

PASSWORD = "correct-horse"


@cache
def password_hash() -> str:
    """One argon2 hash of PASSWORD, reused (hashing costs ~50 ms each)."""
    return hash_password(PASSWORD)


def migrated_template(directory: Path) -> Path:
    """A SQLite file migrated to head, to copy for each test."""
    path = directory / "template.db"
    if not path.exists():
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
    return path


def sqlite_store(template: Path, settings: Settings) -> sessionmaker[Session]:
    """A session factory on a fresh copy of the migrated template in the workspace."""
    target = settings.home / "procura.db"
    shutil.copyfile(template, target)
    engine = make_engine(f"sqlite:///{target}")
    return sessionmaker(engine, expire_on_commit=False, info={"settings": settings})


def make_user(
    session: Session, username: str, office: str, department: str = "criminal", role: str = "handler"
) -> Principal:
    """Insert a user whose password is PASSWORD; return their principal."""
    user = User(
        username=username,
        display_name=username,
        password_hash=password_hash(),
        office_id=office,
        department=department,
        role=role,
        active=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return Principal(user.id, username, office, department, role)


def make_lead(
    session: Session, lead_id: str, office: str = "330110-county", prong: str = "criminal", **fields: Any
) -> Lead:
    """Insert a lead as a model run would (status ``new`` unless given)."""
    values: dict[str, Any] = {
        "fingerprint": f"fp-{lead_id}",
        "model_id": "unfiled-online-defamation",
        "model_version": "1",
        "params": {},
        "anchor": [{"table": "police_reports", "key": {"report_id": f"PR-{lead_id}"}}],
        "evidence": [{"table": "police_reports", "key": {"report_id": f"PR-{lead_id}"}}],
        "subject": {"kind": "person", "entity_id": f"E-{lead_id}"},
        "subject_entity_id": f"E-{lead_id}",
        "target": "余杭区公安分局",
        "region_code": office[:6],
        "office": office,
        "prong": prong,
        "measure": "case_filing_notice",
        "score": 0.9,
        "explanation_zh": "说明",
        "explanation_en": "explanation",
        "details": {},
        "status": "new",
    }
    values.update(fields)
    lead = Lead(id=lead_id, **values)
    session.add(lead)
    session.flush()
    return lead


@dataclass
class PgStore:
    """A throwaway PostgreSQL database: migrated by its owner, used by a non-owner role."""

    name: str
    owner_url: str
    app_url: str
    app_role: str
    factory: sessionmaker[Session]
    # The workspace whose audit key signs this database's audit chain (ADR 0562).
    home: Path
    # Sessions as the owner, for set-up a model run or the operator would do: the app
    # role cannot take system scope (ADR 0570).
    system: sessionmaker[Session]


@contextmanager
def postgres_database(settings: Settings) -> Iterator[PgStore]:
    """Create a database and an app role, migrate, yield, then drop both.

    Skips when PostgreSQL is unreachable, unless ``settings.require_postgres``.
    """
    admin_url = settings.postgres_admin_url
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL unreachable at {make_url(admin_url).render_as_string()}: {exc.orig}"
        if settings.require_postgres:
            pytest.fail(f"required in CI but unavailable: {reason}")
        pytest.skip(reason)
    name = f"procura_test_{uuid.uuid4().hex[:12]}"
    role = f"{name}_app"
    owner_url = make_url(admin_url).set(database=name)
    app_url = owner_url.set(username=role, password="app")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'app' NOSUPERUSER NOBYPASSRLS"))
    owner = make_engine(owner_url.render_as_string(hide_password=False))
    app = make_engine(app_url.render_as_string(hide_password=False))
    try:
        upgrade(owner)
        with owner.begin() as conn:
            grant_app_role(conn, role)
        yield PgStore(
            name,
            owner_url.render_as_string(hide_password=False),
            app_url.render_as_string(hide_password=False),
            role,
            sessionmaker(app, expire_on_commit=False, info={"settings": settings}),
            settings.home,
            sessionmaker(owner, expire_on_commit=False, info={"settings": settings}),
        )
    finally:
        app.dispose()
        owner.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()
