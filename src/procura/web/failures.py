"""Errors on pages: a clear message in the page's language, the API keeping its JSON body.

The service layer raises the same errors for pages as for the API; here each
kind gets a plain sentence (the service's own message mixes in English and
codes, so it is shown only on the English page). Nothing was changed: the
request's transaction was rolled back before the page is drawn.
"""

from __future__ import annotations

import logging

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from procura.api import errors as api_errors
from procura.errors import ProcuraError
from procura.web.i18n import N_, gettext
from procura.web.render import render
from procura.web.session import SignInRequired, lang_of, login_url

log = logging.getLogger(__name__)
MESSAGES = {
    "unauthenticated": N_("Please sign in again."),
    "forbidden": N_(
        "You are not allowed to do this: your role, office, department or assignment does not permit it."
    ),
    "csrf_failed": N_(
        "The form had expired or did not come from this workbench; nothing was changed. "
        "Reload the page and try again."
    ),
    "not_found": N_("Not found: no such lead or record in your jurisdiction."),
    "invalid_transition": N_("This action is not allowed in the lead's current state; nothing was changed."),
    "validation_error": N_("The input is not valid; nothing was changed."),
    "conflict": N_("This conflicts with the current state; nothing was changed."),
    "warehouse_unavailable": N_("The data warehouse is busy (an import or model run); try again shortly."),
    "internal_error": N_("Something went wrong on the server; nothing was changed. The error was logged."),
}
CHECK_FIELD = N_("check the field")
UNKNOWN = N_("The request could not be completed; nothing was changed.")
FIELDS = {
    "reason": N_("dismissal reason"),
    "note": N_("note"),
    "purpose": N_("purpose"),
    "handler": N_("handler"),
    "department": N_("department"),
    "office": N_("office"),
    "kind": N_("measure"),
    "deadline": N_("deadline"),
    "addressee": N_("addressee"),
    "decision": N_("decision"),
    "csrf": N_("form token"),
    "lead_id": N_("lead selection"),
    "status": N_("status"),
    "severity": N_("severity"),
    "limit": N_("page size"),
    "month": N_("month"),
    "stage": N_("stage"),
    "sort": N_("sort"),
    "format": N_("format"),
    "node": N_("graph node"),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def page_message(lang: str, code: str, details: dict[str, object]) -> str:
    """The plain sentence for an error code, naming the field when there is one."""
    text = gettext(lang, MESSAGES.get(code, UNKNOWN))
    field = details.get("field")
    if isinstance(field, str) and field in FIELDS:
        sep = "：" if lang == "zh" else ": "
        text += f"{sep}{gettext(lang, CHECK_FIELD)} “{gettext(lang, FIELDS[field])}”"
    return text


def error_page(request: Request, status: int, code: str, details: dict[str, object], raw: str) -> Response:
    """The HTML error page."""
    lang = lang_of(request)
    context = {
        "status": status,
        "code": code,
        "message": page_message(lang, code, details),
        "raw": raw if lang == "en" else "",
        "back": request.headers.get("referer", "/"),
    }
    return render(request, "error.html", context, status=status)


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProcuraError)
    if _is_api(request):  # the API's own handler: the same body, and a denied attempt audited
        return await api_errors._procura_error(request, exc)
    return error_page(request, exc.http_status, exc.code, exc.details, exc.message)


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(login_url(exc.next_path, exc.expired), status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _is_api(request):  # the API's own handler: Allow on a 405, an unparsable body a 422
        return await api_errors._http_error(request, exc)
    if request.url.path.startswith("/static/"):
        code = api_errors.HTTP_CODES.get(exc.status_code, "error")
        return api_errors.error_response(exc.status_code, code, str(exc.detail))
    code = "not_found" if exc.status_code == 404 else api_errors.HTTP_CODES.get(exc.status_code, "error")
    return error_page(request, exc.status_code, code, {}, str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    if _is_api(request):
        return api_errors.error_response(500, "internal_error", "服务器内部错误 internal server error")
    return error_page(request, 500, "internal_error", {}, "")


async def _warehouse_busy(request: Request, exc: Exception) -> Response:
    log.warning("warehouse unavailable: %s", exc)
    if _is_api(request):
        return api_errors.error_response(
            503, "warehouse_unavailable", "数据仓库暂不可用 the warehouse is busy or unreadable; try again"
        )
    return error_page(request, 503, "warehouse_unavailable", {}, "")


def install(app: FastAPI) -> None:
    """Replace the API's error handlers by ones that answer pages with HTML."""
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(duckdb.IOException, _warehouse_busy)
    app.add_exception_handler(ProcuraError, _service_error)
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(HTTPException, _http_error)
