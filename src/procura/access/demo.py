"""Demo users across offices, departments and roles, with fresh passwords.

For the demo and manual trials only: each call sets a new random password on
every demo user (creating missing ones) and returns the credentials once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.auth import hash_password
from procura.access.offices import get_office, office_id, parent_office, parse_office_id
from procura.access.orm import User
from procura.access.policy import require_role
from procura.access.principal import DEPARTMENTS, SYSTEM, Principal
from procura.clock import utcnow
from procura.errors import Forbidden, InvalidInput
from procura.standard import regions

DEMO_NAME = "演示 demo"


@dataclass(frozen=True)
class Credential:
    """One demo user's sign-in."""

    username: str
    password: str
    office_id: str
    department: str
    role: str


def _valid(office: str) -> bool:
    try:
        parse_office_id(office)
    except InvalidInput:
        return False
    return True


def _sibling(county: str, busiest: list[str]) -> str:
    """Another county of the same city: the busiest one, else the first in the region table."""
    city = parent_office(county)
    found = next((o for o in busiest if o != county and parent_office(o) == city), None)
    if found is None and city is not None:
        codes = [r.code for r in regions.children(city.partition("-")[0]) if r.level == "county"]
        found = next((office_id(c, "county") for c in codes if office_id(c, "county") != county), None)
    return found or county


def _plan(county: str, sibling: str) -> list[tuple[str, str, str, str]]:
    city = parent_office(county) or county
    province = parent_office(city) or city
    plan = [(f"chief_{county[:6]}", county, "criminal", "chief")]
    for department in DEPARTMENTS:
        short = department.split("_")[0][:5]
        plan.append((f"head_{short}_{county[:6]}", county, department, "department_head"))
        plan.append((f"handler_{short}_{county[:6]}", county, department, "handler"))
    plan += [
        (f"chief_{sibling[:6]}", sibling, "criminal", "chief"),
        (f"handler_crim_{sibling[:6]}", sibling, "criminal", "handler"),
        (f"chief_{city[:6]}", city, "criminal", "chief"),
        (f"head_publi_{city[:6]}", city, "public_interest", "department_head"),
        (f"chief_{province[:6]}", province, "criminal", "chief"),
        (f"analyst_{province[:6]}", province, "criminal", "analyst"),
        (f"auditor_{province[:6]}", province, "criminal", "auditor"),
        (f"admin_{province[:6]}", province, "criminal", "admin"),
    ]
    return plan


def create_demo_users(
    session: Session,
    county: str | None = None,
    sibling: str | None = None,
    principal: Principal | None = None,
    busiest: Sequence[str] = (),
) -> list[Credential]:
    """Users for one county office (every department and role), a sibling county, its city and
    province; the county defaults to the first well-formed office of ``busiest`` (county offices
    by number of leads, from ``procura.leads.summary.busiest_offices``; else Hangzhou's 余杭),
    the sibling to another county of the same city.
    Admins only; without a principal (the demo) only while the store holds demo users alone."""
    if principal is None:
        # Unattended (the demo): allowed only while every user is a demo user.
        others = session.scalar(select(func.count()).select_from(User).where(User.display_name != DEMO_NAME))
        if others:
            raise Forbidden("real users exist: sign in as an admin to reset the demo users")
        principal = SYSTEM
    require_role(principal, ["admin"], "create demo users")
    busiest = [office for office in busiest if _valid(office)]
    county = county or (busiest[0] if busiest else "330110-county")
    sibling = sibling or _sibling(county, busiest)
    credentials: list[Credential] = []
    for username, office, department, role in _plan(county, sibling):
        get_office(session, office)
        password = secrets.token_urlsafe(9)
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username,
                display_name=DEMO_NAME,
                office_id=office,
                department=department,
                role=role,
                created_at=utcnow(),
                failed_logins=0,
                active=True,
                password_hash="",
            )
            session.add(user)
        user.password_hash, user.active, user.failed_logins, user.locked_until = (
            hash_password(password),
            True,
            0,
            None,
        )
        session.flush()
        audit.record(
            session, principal, "user.demo_reset", "user", str(user.id), details={"username": username}
        )
        credentials.append(Credential(username, password, office, department, role))
    return credentials
