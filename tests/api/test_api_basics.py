"""OpenAPI, health, sign-in, error bodies, pagination and filters."""

from __future__ import annotations

from api_world import PASSWORD, World
from fastapi.testclient import TestClient


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_openapi_document_lists_every_endpoint(world: World) -> None:
    spec = world.client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "procura API"
    paths = spec["paths"]
    for path in (
        "/api/v1/leads",
        "/api/v1/leads/{lead_id}/triage",
        "/api/v1/leads/{lead_id}/documents/{kind}",
        "/api/v1/audit/verify",
        "/api/v1/models/stats",
        "/api/v1/users",
        "/api/v1/health",
    ):
        assert path in paths
    assert "ErrorBody" in spec["components"]["schemas"]
    assert world.client.get("/api/v1/docs").status_code == 200


def test_health_reports_a_migrated_database(world: World) -> None:
    response = world.call("GET", "/health", None)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    assert body["status"] == "ok" and body["schema_current"] is True
    assert body["database"] == world.sessions.kw["bind"].dialect.name


def test_sign_in_me_and_sign_out(world: World) -> None:
    token = world.call(
        "POST", "/auth/login", None, json={"username": "chief_own", "password": PASSWORD}
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert token["token_type"] == "bearer" and token["user"]["role"] == "chief"
    me = world.client.get("/api/v1/auth/me", headers=headers).json()
    assert me == {
        "user_id": me["user_id"],
        "username": "chief_own",
        "office_id": "330100-city",
        "department": "criminal",
        "role": "chief",
    }
    assert world.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert_error(world.client.get("/api/v1/auth/me", headers=headers), 401, "unauthenticated")


def test_wrong_password_missing_and_bad_tokens_are_401_with_a_bearer_challenge(world: World) -> None:
    response = world.call(
        "POST", "/auth/login", None, json={"username": "analyst_own", "password": "nope-nope"}
    )
    assert_error(response, 401, "unauthenticated")
    assert "nope-nope" not in response.text
    response = world.client.get("/api/v1/leads")
    assert_error(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    bad = world.client.get("/api/v1/leads", headers={"Authorization": "Bearer forged"})
    assert_error(bad, 401, "unauthenticated")


def test_error_bodies_for_403_404_409_422(world: World) -> None:
    lead = world.lead()
    assert_error(world.call("GET", "/audit", "handler_own"), 403, "forbidden")
    assert_error(world.call("GET", "/leads/L-NOPE", "handler_own"), 404, "not_found")
    assert_error(world.call("GET", f"/leads/{lead}", "handler_sibling"), 404, "not_found")
    assert_error(world.call("POST", f"/leads/{lead}/close", "chief_own", json={}), 409, "invalid_transition")
    error = assert_error(
        world.call("POST", f"/leads/{lead}/triage", "chief_own", json={"decision": "maybe"}),
        422,
        "validation_error",
    )
    assert error["details"]["errors"][0]["loc"] == ["body", "decision"]
    error = assert_error(
        world.call(
            "POST", f"/leads/{lead}/triage", "chief_own", json={"decision": "dismiss", "reason": "other"}
        ),
        422,
        "validation_error",
    )
    assert error["details"] == {"field": "note"}
    assert_error(world.call("GET", "/nowhere", "chief_own"), 404, "not_found")


def test_validation_errors_never_echo_the_password(world: World) -> None:
    response = world.call(
        "POST",
        "/users",
        "admin_own",
        json={
            "username": "x",
            "password": "short7!",
            "office_id": "330100-city",
            "department": "criminal",
            "role": "handler",
            "extra": 1,
        },
    )
    assert_error(response, 422, "validation_error")
    assert "short7!" not in response.text


def test_pages_carry_the_total_and_filters_narrow_the_queue(world: World) -> None:
    model = "page-test-model"
    ids = [world.lead(model_id=model) for _ in range(5)]
    world.lead(model_id=model, state="accepted")
    page = world.call("GET", "/leads", "chief_own", params={"model": model, "limit": 2, "offset": 0}).json()
    assert page["total"] == 6 and len(page["items"]) == 2 and page["limit"] == 2
    rest = world.call("GET", "/leads", "chief_own", params={"model": model, "limit": 10, "offset": 2}).json()
    seen = {item["id"] for item in page["items"]} | {item["id"] for item in rest["items"]}
    assert len(seen) == 6 and set(ids) <= seen
    accepted = world.call("GET", "/leads", "chief_own", params={"model": model, "status": "accepted"}).json()
    assert accepted["total"] == 1 and accepted["items"][0]["status"] == "accepted"
    for params, total in (
        ({"prong": "criminal"}, 6),
        ({"prong": "civil"}, 0),
        ({"region": "330100"}, 6),
        ({"region": "330200"}, 0),
        ({"severity": "high"}, 6),
        ({"severity": "low"}, 0),
        ({"overdue": True}, 0),
        ({"overdue": False}, 6),
    ):
        body = world.call("GET", "/leads", "chief_own", params={"model": model, **params}).json()
        assert body["total"] == total, params
    assert page["items"][0]["severity"] == "high"
    assert_error(world.call("GET", "/leads", "chief_own", params={"limit": 0}), 422, "validation_error")
    assert_error(
        world.call("GET", "/leads", "chief_own", params={"status": "bogus"}), 422, "validation_error"
    )


def test_a_locked_warehouse_is_503_and_an_unexpected_error_500_without_traceback(
    world: World, monkeypatch
) -> None:
    import duckdb

    from procura.workflow import dossier

    lead = world.lead("investigating")

    def locked(*_args, **_kwargs):
        raise duckdb.IOException("Could not set lock on file")

    monkeypatch.setattr(dossier, "read_evidence", locked)
    assert_error(world.call("GET", f"/leads/{lead}/evidence", "chief_own"), 503, "warehouse_unavailable")

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(dossier, "read_evidence", broken)
    client = TestClient(world.client.app, raise_server_exceptions=False)
    response = client.get(f"/api/v1/leads/{lead}/evidence", headers=world.headers("chief_own"))
    assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_five_wrong_passwords_lock_the_account(world: World) -> None:
    body = {
        "username": "lock_me",
        "password": "long-enough-1",
        "office_id": "330100-city",
        "department": "criminal",
        "role": "handler",
    }
    assert world.call("POST", "/users", "admin_own", json=body).status_code == 201
    for _ in range(world.settings.lockout_failures):
        wrong = world.call("POST", "/auth/login", None, json={"username": "lock_me", "password": "wrong-one"})
        assert_error(wrong, 401, "unauthenticated")
    right = world.call("POST", "/auth/login", None, json={"username": "lock_me", "password": "long-enough-1"})
    assert "locked" in assert_error(right, 401, "unauthenticated")["message"]


def test_the_model_catalogue_lists_every_model_with_its_legal_basis(world: World) -> None:
    models = world.call("GET", "/models", "analyst_child").json()
    ids = [m["id"] for m in models]
    assert "unfiled-online-defamation" in ids and ids == sorted(ids)
    one = world.call("GET", "/models/unfiled-online-defamation", "handler_own").json()
    assert one["measure"] == "case_filing_notice" and one["legal_basis"][0]["zh"].startswith(
        "《中华人民共和国刑事诉讼法》"
    )
    assert one["parameters"]["min_views"]["default"] == 5000
    assert_error(world.call("GET", "/models/no-such-model", "handler_own"), 404, "not_found")


def test_an_idle_session_ends(world: World) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from procura.access.auth import token_hash
    from procura.access.orm import AuthSession
    from procura.clock import utcnow
    from procura.db import session_scope

    token = world.call("POST", "/auth/login", None, json={"username": "analyst_parent", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert world.client.get("/api/v1/auth/me", headers=headers).status_code == 200
    idle = utcnow() - timedelta(minutes=world.settings.session_idle_minutes + 1)
    with session_scope(world.sessions) as session:
        session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == token_hash(token.json()["access_token"]))
            .values(last_seen_at=idle)
        )
    error = assert_error(world.client.get("/api/v1/auth/me", headers=headers), 401, "unauthenticated")
    assert "idle" in error["message"]


def test_document_kinds_are_listed(world: World) -> None:
    kinds = {k["id"]: k for k in world.call("GET", "/documents/kinds", "analyst_own").json()}
    assert kinds["case_filing_notice"]["title"]["zh"] == "要求说明不立案理由通知书"
    assert kinds["case_filing_notice"]["deadline_days"] == 7
    assert kinds["procuratorial_suggestion"]["deadline_months"] == 2
    assert "support_prosecution" in kinds["support_prosecution"]["measures"]
