"""Demo users: every role and department, four offices, working passwords."""

from __future__ import annotations

import pytest
from ops_fixtures import make_lead, make_user
from sqlalchemy.orm import Session

from procura.access import auth
from procura.access.demo import create_demo_users
from procura.access.principal import DEPARTMENTS, ROLES
from procura.config import Settings
from procura.errors import AuthenticationError, Forbidden
from procura.leads.summary import busiest_offices


def test_demo_users_cover_roles_departments_and_offices(db: Session, settings: Settings) -> None:
    for n in range(3):
        make_lead(db, f"L-{n}", office="330102-county")
    make_lead(db, "L-9", office="330105-county")
    creds = create_demo_users(db, busiest=busiest_offices(db))
    assert {c.role for c in creds} == set(ROLES)
    assert {c.department for c in creds if c.office_id == "330102-county"} == set(DEPARTMENTS)
    assert {c.office_id for c in creds} == {
        "330102-county",
        "330105-county",
        "330100-city",
        "330000-province",
    }
    chief = next(c for c in creds if c.role == "chief" and c.office_id == "330102-county")
    assert (
        auth.authenticate(db, settings, auth.login(db, settings, chief.username, chief.password)).role
        == "chief"
    )
    again = create_demo_users(db, busiest=busiest_offices(db))
    with pytest.raises(AuthenticationError):
        auth.login(db, settings, chief.username, chief.password)
    assert len(again) == len(creds)


def test_only_admins_create_demo_users(db: Session) -> None:
    handler = make_user(db, "h", "330110-county")
    with pytest.raises(Forbidden):
        create_demo_users(db, principal=handler)
