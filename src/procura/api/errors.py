"""One error body for every failure: ``{"error": {"code", "message", "details"}}``.

Service errors carry their own status (401/403/404/409/422, see
``procura.errors``); request validation becomes 422 without echoing the
submitted values (they may hold a password); a warehouse locked by a running
ingest or model run is a 503; an unexpected error is a 500 with no traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import anyio.to_thread
import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from procura.access.denied import DeniedLimiter, record_denied
from procura.errors import ProcuraError, WarehouseError

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    503: WarehouseError.code,
}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    """The JSON response of an error; 401 also tells the client to use a Bearer token."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


# Denied attempts that are audited: a lead refused or not found, unmasking refused.
_AUDITED_PATHS = ("/leads/",)


async def _procura_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProcuraError)
    if isinstance(exc, WarehouseError):
        log.warning("warehouse unavailable: %s", exc)
    path = request.url.path
    unmasking = path.endswith(("/unmask", "/bundle")) and request.method == "POST"
    refused = exc.http_status in (403, 404) or (unmasking and exc.http_status == 422)
    if refused and any(p in path for p in _AUDITED_PATHS):
        principal = getattr(request.state, "principal", None)
        ip = request.client.host if request.client else ""
        details = {"method": request.method, "status": exc.http_status, "code": exc.code}
        app = request.app
        await anyio.to_thread.run_sync(
            lambda: record_denied(app.state.sessions, app.state.denied, principal, ip, path, details)
        )
    return error_response(exc.http_status, exc.code, exc.message, exc.details)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    return error_response(
        422, "validation_error", f"请求无效 invalid request: {where}: {first['msg']}", {"errors": errors}
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        # The framework's only 400: a body that cannot be decoded (bytes that are not UTF-8, a
        # broken multipart form). Invalid requests are 422, one documented status (ADR 0575).
        message = f"请求体无法解析 the request body could not be parsed: {exc.detail}"
        return error_response(422, "validation_error", message)
    response = error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = allowed_methods(request) or response.headers.get("Allow", "")
    return response


def allowed_methods(request: Request) -> str:
    """Every method the OpenAPI document lists at the request's path (RFC 9110: ``Allow`` on a 405).

    Starlette answers a 405 from the first route whose path matches, naming only that route's
    methods; a path served by two routes (``GET`` and ``POST /users``) needs their union.
    """
    table: list[tuple[re.Pattern[str], set[str]]] | None = getattr(request.app.state, "allow_table", None)
    if table is None:
        table = []
        for path, operations in request.app.openapi().get("paths", {}).items():
            parts = re.split(r"\{[^}/]+\}", path)
            pattern = re.compile("[^/]+".join(re.escape(part) for part in parts))
            methods = {method.upper() for method in operations if method.upper() in _METHODS}
            if "GET" in methods:
                methods.add("HEAD")  # served for every GET route
            table.append((pattern, methods))
        request.app.state.allow_table = table
    allowed: set[str] = set()
    for pattern, methods in table:
        if pattern.fullmatch(request.url.path):
            allowed |= methods
    return ", ".join(sorted(allowed))


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


async def _warehouse_error(_: Request, exc: Exception) -> JSONResponse:
    log.warning("warehouse unavailable: %s", exc)
    return error_response(
        WarehouseError.http_status,
        WarehouseError.code,
        "数据仓库暂不可用 the warehouse is busy or unreadable; try again",
    )


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "服务器内部错误 internal server error")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.state.denied = DeniedLimiter()
    app.add_exception_handler(ProcuraError, _procura_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    # A model run or an ingest holds the DuckDB file's write lock for a while.
    app.add_exception_handler(duckdb.IOException, _warehouse_error)
    app.add_exception_handler(Exception, _unexpected)
