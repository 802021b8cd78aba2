"""Denied attempts are audited, but probing cannot flood the log (ADR 0562); a 405 says what is allowed."""

from __future__ import annotations

import pytest
from api_world import World

from procura.access.denied import DeniedLimiter


@pytest.fixture(autouse=True)
def fresh_limiter(world: World) -> None:
    """Other tests' denied attempts within the minute must not use up this test's allowance."""
    world.client.app.state.denied = DeniedLimiter()  # type: ignore[attr-defined]


def _denied(world: World, actor: str) -> list[dict]:
    answer = world.call("GET", "/audit", "auditor_parent", params={"action": "access.denied", "actor": actor})
    return list(answer.json()["items"])


def test_a_lead_outside_the_jurisdiction_leaves_an_entry(world: World) -> None:
    lead = world.lead()
    assert world.call("GET", f"/leads/{lead}", "chief_sibling").status_code == 404
    entries = _denied(world, "chief_sibling")
    assert entries and entries[0]["object_id"] == f"/api/v1/leads/{lead}"
    assert entries[0]["details"]["status"] == 404


def test_a_refused_unmasking_leaves_an_entry(world: World) -> None:
    lead = world.lead("investigating")
    body = {"purpose": "review: 核实被害人身份以便通知家属"}
    assert world.call("POST", f"/leads/{lead}/unmask", "analyst_own", json=body).status_code == 403
    assert (
        world.call("POST", f"/leads/{lead}/unmask", "handler_own", json={"purpose": "aaaa"}).status_code
        == 422
    )
    assert any(e["object_id"].endswith("/unmask") for e in _denied(world, "analyst_own"))
    assert any(e["details"]["status"] == 422 for e in _denied(world, "handler_own"))


def test_probing_is_rate_limited_per_user_and_address(world: World) -> None:
    before = len(_denied(world, "handler_sibling"))
    for n in range(25):
        world.call("GET", f"/leads/L-PROBE{n}", "handler_sibling")
    assert len(_denied(world, "handler_sibling")) - before <= 10


def test_the_limiter_counts_what_it_left_out() -> None:
    now = [0.0]
    limiter = DeniedLimiter(per_minute=2, clock=lambda: now[0])
    assert [limiter.admit(("u", "ip")) for _ in range(4)] == [0, 0, None, None]
    assert limiter.admit(("v", "ip")) == 0
    now[0] = 61.0
    assert limiter.admit(("u", "ip")) == 2


def test_a_wrong_method_is_405_with_allow(world: World) -> None:
    answer = world.call("DELETE", "/leads", "chief_own")
    assert answer.status_code == 405 and "GET" in answer.headers["allow"]
