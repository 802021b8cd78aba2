"""What schemathesis found (ADR 0575), each pinned by a plain test, on the API and on the served app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_world import World
from fastapi.testclient import TestClient

from procura.access.denied import DeniedLimiter
from procura.web import create_app as create_web_app


@pytest.fixture
def served(world: World) -> Iterator[TestClient]:
    """The app ``procura serve`` runs (API + workbench, the workbench's error handlers in front)."""
    yield TestClient(create_web_app(world.settings, world.sessions))


@pytest.fixture(params=["api", "served"])
def client(request: pytest.FixtureRequest, world: World) -> TestClient:
    if request.param == "api":
        return world.client
    return TestClient(create_web_app(world.settings, world.sessions))


def test_a_405_allows_every_method_of_the_path(world: World, client: TestClient) -> None:
    # GET and POST /users are two routes: Starlette named only the first (and the served app none).
    headers = world.headers("admin_own")
    answer = client.request("OPTIONS", "/api/v1/users", headers=headers)
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) >= {"GET", "POST"}
    answer = client.request("PUT", "/api/v1/leads/L-X/bundle", headers=headers)
    assert answer.status_code == 405 and set(answer.headers["allow"].split(", ")) >= {"GET", "POST"}
    answer = client.request("DELETE", "/api/v1/users/someone", headers=headers)
    assert answer.status_code == 405 and set(answer.headers["allow"].split(", ")) >= {"GET", "PATCH"}


def test_a_body_that_is_not_utf8_is_a_documented_422(world: World, client: TestClient) -> None:
    lead = world.lead()
    answer = client.post(
        f"/api/v1/leads/{lead}/close",
        content=b"\xff\xfe\x00",
        headers={**world.headers("handler_own"), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "validation_error"


def test_signing_out_an_unknown_token_is_401(client: TestClient) -> None:
    answer = client.post("/api/v1/auth/logout", headers={"Authorization": "Bearer not-a-session"})
    assert answer.status_code == 401


def test_an_empty_report_period_is_422_not_500(world: World, client: TestClient) -> None:
    for start in ("", "0000-00", "2026-13", "Jan 2026"):
        answer = client.get(
            "/api/v1/reports/governance",
            params={"start": start, "end": "2026-06", "format": "json"},
            headers=world.headers("chief_own"),
        )
        assert answer.status_code == 422, (start, answer.text)


def test_drafting_for_a_dismissed_lead_is_a_documented_409(world: World) -> None:
    lead = world.lead()
    body = {"decision": "dismiss", "reason": "false_match"}
    assert world.call("POST", f"/leads/{lead}/triage", "handler_own", json=body).status_code == 200
    answer = world.call("GET", f"/leads/{lead}/documents/auto", "handler_own")
    assert answer.status_code == 409
    spec = world.client.get("/api/v1/openapi.json").json()
    assert "409" in spec["paths"]["/api/v1/leads/{lead_id}/documents/{kind}"]["get"]["responses"]


def test_times_of_users_and_audit_entries_carry_their_offset(world: World) -> None:
    users = world.call("GET", "/users", "admin_own").json()
    assert users and all(u["created_at"].endswith(("Z", "+00:00")) for u in users)
    entries = world.call("GET", "/audit", "auditor_own").json()["items"]
    assert entries and all(e["at"].endswith(("Z", "+00:00")) for e in entries)


def test_the_served_app_audits_a_denied_lead_attempt(world: World, served: TestClient) -> None:
    served.app.state.denied = DeniedLimiter()  # type: ignore[attr-defined]
    lead = world.lead()
    assert served.get(f"/api/v1/leads/{lead}", headers=world.headers("chief_sibling")).status_code == 404
    params = {"action": "access.denied", "actor": "chief_sibling", "object_id": f"/api/v1/leads/{lead}"}
    entries = world.call("GET", "/audit", "auditor_parent", params=params).json()["items"]
    assert entries and entries[0]["details"]["status"] == 404


def test_an_id_beyond_64_bits_is_422_not_500(world: World, client: TestClient) -> None:
    huge = 2**64
    headers = world.headers("handler_own")
    for method, path in (
        ("POST", f"/api/v1/replies/{huge}/verify"),
        ("POST", f"/api/v1/inbox/{huge}/read"),
        ("GET", f"/api/v1/leads/{world.lead('investigating')}/documents/auto?measure_id={huge}"),
    ):
        answer = client.request(method, path, headers=headers, json={"rectified": True})
        assert answer.status_code == 422, (path, answer.text)
