"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from procura import __version__
from procura.api import errors
from procura.api.routes import ROUTERS
from procura.config import Settings
from procura.migrations import open_store

PREFIX = "/api/v1"
DESCRIPTION = """\
法律监督数据平台 REST 接口 — the procura REST API.

Sign in with `POST /api/v1/auth/login` and send the token as
`Authorization: Bearer <token>`. Every action is checked by the service layer
(role, office jurisdiction, department, assignment) and written to the audit
log. Errors have one body: `{"error": {"code", "message", "details"}}`.
"""


async def _no_store(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Answers carry personal data: no cache may keep them, no browser may sniff their type."""
    response = await call_next(request)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def create_app(settings: Settings, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """An app over the workspace of ``settings`` (its operational store migrated on first use)."""
    app = FastAPI(
        title="procura API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,  # served by the workbench with the package's own Swagger UI (offline)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = sessions or open_store(settings)
    errors.install(app)
    app.middleware("http")(_no_store)
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    from procura.web import install as install_workbench

    install_workbench(app)
    return app
