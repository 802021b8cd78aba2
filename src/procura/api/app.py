"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from procura import __version__
from procura.api import errors
from procura.api.routes import ROUTERS
from procura.config import Settings
from procura.migrations import open_store

PREFIX = "/api/v1"
# Swagger UI from swagger-ui-dist, vendored with its licence (scripts/vendor_assets.sh).
SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"
DESCRIPTION = """\
法律监督数据平台 REST 接口 — the procura REST API.

Sign in with `POST /api/v1/auth/login` and send the token as
`Authorization: Bearer <token>`. Every action is checked by the service layer
(role, office jurisdiction, department, assignment) and written to the audit
log. Errors have one body: `{"error": {"code", "message", "details"}}`.
"""


class NoStore:
    """Answers carry personal data: no cache may keep them, no browser may sniff their type.

    A pure ASGI middleware (Starlette's ``BaseHTTPMiddleware`` costs a task group
    and a body stream per request, ADR 0566).
    """

    HEADERS = ((b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in self.HEADERS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Admission:
    """Let at most ``limit`` HTTP requests work at once; the others wait their turn here.

    Each admitted request holds at most one database connection and one worker
    thread at a time, so with ``limit`` = pool size = thread tokens no request
    ever waits for a connection while holding a thread (ADR 0560).
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.gate = anyio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.gate:
            await self.app(scope, receive, send)


def _lifespan(threads: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


def create_app(settings: Settings, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """An app over the workspace of ``settings`` (its operational store migrated on first use)."""
    app = FastAPI(
        title="procura API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,  # served below with the package's own Swagger UI (offline)
        redoc_url=None,
        lifespan=_lifespan(settings.db_pool_size),
    )
    app.state.settings = settings
    app.state.sessions = sessions or open_store(settings)
    errors.install(app)
    app.add_middleware(NoStore)
    app.add_middleware(Admission, limit=settings.db_pool_size)
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static/swagger-ui", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.add_api_route(f"{PREFIX}/docs", _swagger_ui, include_in_schema=False)
    return app


def _swagger_ui() -> HTMLResponse:
    """The OpenAPI page with Swagger UI served from the package, so it works offline."""
    static = f"{PREFIX}/static/swagger-ui"
    return get_swagger_ui_html(
        openapi_url=f"{PREFIX}/openapi.json",
        title="procura API 接口文档",
        swagger_js_url=f"{static}/swagger-ui-bundle.js",
        swagger_css_url=f"{static}/swagger-ui.css",
        swagger_favicon_url=f"{static}/favicon-32x32.png",
        # Swagger UI would send the spec to swagger.io's online validator: never leave this host.
        swagger_ui_parameters={"validatorUrl": None},
    )
