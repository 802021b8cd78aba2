"""The audit's client address: X-Forwarded-For only from configured proxies (ADR 0561).

Before, uvicorn's default believed the header from 127.0.0.1, so any local
client wrote any address it liked into the audit log.
"""

from __future__ import annotations

import asyncio

import httpx
import uvicorn
from sqlalchemy import select

from procura.access.orm import AuditEntry
from procura.api import create_app
from procura.cli.serve import proxy_options
from procura.config import Settings
from procura.db import session_scope
from procura.migrations import open_store


def _failed_login_ip(settings: Settings, peer: str) -> str:
    sessions = open_store(settings)
    config = uvicorn.Config(create_app(settings, sessions), **proxy_options(settings))  # type: ignore[arg-type]
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 40000))

    async def call() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            body = {"username": "nobody", "password": "wrong-password"}
            await client.post("/api/v1/auth/login", json=body, headers={"X-Forwarded-For": "6.6.6.6"})

    asyncio.run(call())
    with session_scope(sessions) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.action == "auth.login_failed"
        return entry.ip


def test_a_local_client_cannot_choose_its_audited_address(settings: Settings) -> None:
    assert _failed_login_ip(settings, "127.0.0.1") == "127.0.0.1"


def test_a_configured_proxy_is_believed(settings: Settings) -> None:
    settings.trusted_proxies = "10.0.0.5"
    assert _failed_login_ip(settings, "10.0.0.5") == "6.6.6.6"
    assert _failed_login_ip(settings, "10.0.0.9") == "10.0.0.9"
