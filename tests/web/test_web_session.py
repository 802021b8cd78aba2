"""Signing in, sessions and CSRF on the workbench: the API's sessions in an HttpOnly cookie."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from web_world import PASSWORD, WebWorld, csrf_of, sign_in

from procura.access.orm import AuditEntry, AuthSession
from procura.clock import utcnow
from procura.db import session_scope


def test_home_redirects_to_sign_in_without_a_session(web: WebWorld) -> None:
    response = web.client().get("/leads?status=new", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/leads%3Fstatus%3Dnew"


def test_sign_in_sets_an_httponly_strict_cookie_holding_an_api_session(web: WebWorld) -> None:
    client = web.client()
    page = client.get("/login")
    assert 'name="username"' in page.text and 'name="password"' in page.text
    response = client.post(
        "/login",
        data={"username": "handler_a", "password": PASSWORD, "csrf": csrf_of(page.text), "next": "/leads"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/leads"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("procura_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    # The same opaque session works on the API.
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "handler_a"


def test_wrong_password_says_so_in_chinese_and_is_audited(web: WebWorld) -> None:
    client = web.client()
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": "handler_b", "password": "wrong", "csrf": csrf_of(page.text)}
    )
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert "procura_session" not in response.headers.get("set-cookie", "")
    with session_scope(web.sessions) as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
        assert (last.action, last.actor) == ("auth.login_failed", "handler_b")


def test_sign_in_without_the_form_token_is_refused(web: WebWorld) -> None:
    client = web.client()
    client.get("/login")
    response = client.post("/login", data={"username": "handler_a", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 403
    assert "登录表单已失效" in response.text


def test_an_expired_session_sends_the_browser_to_sign_in_with_a_message(web: WebWorld) -> None:
    client = web.client()
    sign_in(client, "head_crim")
    assert client.get("/leads").status_code == 200
    with session_scope(web.sessions) as session:
        session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=5)))
    response = client.get("/leads", follow_redirects=False)
    assert response.status_code == 303 and "expired=1" in response.headers["location"]
    page = client.get(response.headers["location"])
    assert "会话已过期，请重新登录" in page.text


def test_forged_or_missing_csrf_changes_nothing(web: WebWorld) -> None:
    lead = web.lead()
    client = web.client()
    sign_in(client, "handler_a")
    for token in ("", "0" * 64):
        response = client.post(f"/leads/{lead}/actions/accept", data={"csrf": token, "note": "x"})
        assert response.status_code == 403
        assert "表单已失效或并非来自本工作台" in response.text
    assert web.status(lead) == "new"
    page = client.get(f"/leads/{lead}")
    ok = client.post(
        f"/leads/{lead}/actions/accept", data={"csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert ok.status_code == 303 and web.status(lead) == "accepted"


def test_sign_out_ends_the_api_session(web: WebWorld) -> None:
    client = web.client()
    sign_in(client, "chief_a")
    page = client.get("/")
    response = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303
