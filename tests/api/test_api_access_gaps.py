"""Issue 10's authorization gaps, each tried as the hostile tester did (ADR 0561).

Before: an admin created a chief and unmasked through it; the last admin could
be disabled; ``0`` passed as a boolean; a huge offset gave a 500.
"""

from __future__ import annotations

import itertools

import pytest
from api_world import LEAD_OFFICE, PASSWORD, World

_names = itertools.count(1)


def _new_user(world: World, by: str, role: str, office: str = LEAD_OFFICE) -> int:
    body = {
        "username": f"gap_{role}_{next(_names)}",
        "password": PASSWORD,
        "office_id": office,
        "department": "criminal",
        "role": role,
    }
    return int(world.call("POST", "/users", by, json=body).status_code)


@pytest.mark.parametrize("role", ["chief", "department_head"])
def test_an_admin_never_grants_a_role_that_unmasks(world: World, role: str) -> None:
    assert _new_user(world, "admin_own", role) == 403
    assert _new_user(world, "admin_parent", role) == 403
    assert _new_user(world, "admin_own", "handler") == 201


def test_a_chief_grants_heads_and_chiefs_in_its_jurisdiction_only(world: World) -> None:
    assert _new_user(world, "chief_own", "department_head") == 201
    assert _new_user(world, "chief_child", "chief", office=LEAD_OFFICE) == 403  # above its own office
    assert _new_user(world, "chief_own", "admin") == 403


def test_the_last_active_admin_cannot_be_disabled(world: World) -> None:
    from procura.access.orm import User
    from procura.access.principal import SYSTEM
    from procura.access.users import set_active
    from procura.db import session_scope

    with session_scope(world.system) as session:
        admins = [u.username for u in session.query(User).filter(User.role == "admin", User.active.is_(True))]
    try:
        for name in admins[1:]:
            with session_scope(world.system) as session:
                set_active(session, SYSTEM, name, False)
        answer = world.call("PATCH", f"/users/{admins[0]}", "admin_parent", json={"active": False})
        if admins[0] == "admin_parent":
            assert answer.status_code == 403 and "last active admin" in answer.json()["error"]["message"]
        with session_scope(world.system) as session:
            from procura.errors import Forbidden

            with pytest.raises(Forbidden, match="last active admin"):
                set_active(session, SYSTEM, admins[0], False)
    finally:
        for name in admins[1:]:
            with session_scope(world.system) as session:
                set_active(session, SYSTEM, name, True)
        # The disabled admins' tokens ended; sign them in again for the other tests.
        for name in admins[1:]:
            if name in world.tokens:
                answer = world.call(
                    "POST", "/auth/login", None, json={"username": name, "password": PASSWORD}
                )
                world.tokens[name] = answer.json()["access_token"]


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_booleans_are_strict(world: World, value: object) -> None:
    answer = world.call("PATCH", "/users/target_user", "admin_own", json={"active": value})
    assert answer.status_code == 422
    lead = world.lead("awaiting_response")
    answer = world.call("POST", f"/leads/{lead}/responses", "handler_own", json={"rectified": value})
    assert answer.status_code == 422


@pytest.mark.parametrize("path", ["/leads", "/audit"])
def test_a_huge_offset_is_a_422_not_a_500(world: World, path: str) -> None:
    user = "auditor_own" if path == "/audit" else "chief_own"
    answer = world.call("GET", path, user, params={"offset": "99999999999999999999"})
    assert answer.status_code == 422
    assert world.call("GET", path, user, params={"offset": 1_000_000_000}).json()["items"] == []
