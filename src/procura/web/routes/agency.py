"""The agencies' pages: sign in with the agency's API key, upload a batch and read its receipt, read
the documents addressed to the agency and reply with a dated response and an attachment.

An agency is not a user (ADR 0526): it signs in with its API key (ADR 0529). The key is kept in an
HttpOnly, SameSite=Strict cookie limited to ``/agency`` and checked on every page exactly as the
``X-API-Key`` header is (``keys.authenticate_key``, with the scope the page needs), so revoking the
key ends the browser session at the next click. Forms carry a CSRF token bound to the key. Every
page calls the same ``exchange.service`` functions as ``/api/v1/exchange``.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData, UploadFile

from procura.api.deps import SessionDep, SettingsDep, client_ip
from procura.api.schemas.common import RowId
from procura.clock import today
from procura.errors import AuthenticationError, InvalidInput, ProcuraError
from procura.exchange import keys
from procura.exchange import service as exchange
from procura.exchange.orm import ApiKey
from procura.web.i18n import N_, gettext
from procura.web.render import render
from procura.web.session import CsrfRejected, Viewer, form_of, lang_of

router = APIRouter(include_in_schema=False)
AGENCY_COOKIE = "procura_agency"
LOGIN_CSRF = "procura_agency_login_csrf"


class AgencySignInRequired(Exception):
    """No key cookie, or a key no longer live: back to the agency sign-in form."""


async def to_sign_in(request: Request, exc: Exception) -> Response:
    """The exception handler: the browser goes to the agency's sign-in form."""
    return RedirectResponse("/agency/login", status_code=303)


def _viewer(request: Request, session: SessionDep, scope: str) -> Viewer:
    key = request.cookies.get(AGENCY_COOKIE, "")
    if not key:
        raise AgencySignInRequired()
    try:
        principal = keys.authenticate_key(session, key, scope, client_ip(request))
    except AuthenticationError as exc:
        raise AgencySignInRequired() from exc
    viewer = Viewer(principal, key, lang_of(request))
    request.state.viewer = viewer
    return viewer


def _scoped(scope: str):  # type: ignore[no-untyped-def]
    def dependency(request: Request, session: SessionDep) -> Viewer:
        return _viewer(request, session, scope)

    return Depends(dependency)


ReadViewer = Annotated[Viewer, _scoped("measures")]
UploadViewer = Annotated[Viewer, _scoped("upload")]
ReplyViewer = Annotated[Viewer, _scoped("reply")]


def _checked(viewer: Viewer, form: FormData) -> None:
    sent = str(form.get("csrf") or "")
    if not sent or not hmac.compare_digest(sent, viewer.csrf):
        raise CsrfRejected("CSRF token missing or wrong", {"field": "csrf"})


def _cookie(request: Request, response: Response, name: str, value: str) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(name, value, path="/agency", httponly=True, samesite="strict", secure=secure)


def _login(request: Request, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "agency_login.html", {"error": error, "csrf": token}, status=status)
    _cookie(request, response, LOGIN_CSRF, token)
    return response


@router.get("/agency/login")
def login_page(request: Request) -> Response:
    """The agency's sign-in form (its API key)."""
    return _login(request)


@router.post("/agency/login")
def sign_in(
    request: Request, session: SessionDep, form: Annotated[FormData, Depends(form_of)]
) -> Response:
    """Check the key as the API does; keep it in an HttpOnly cookie for the agency's pages."""
    lang = lang_of(request)
    sent, expected = str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        return _login(request, gettext(lang, N_("The sign-in form had expired; please try again.")), 403)
    key = str(form.get("api_key") or "").strip()
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == keys.key_hash(key)))
    scope = row.scopes[0] if row is not None and row.scopes else "measures"
    try:
        keys.authenticate_key(session, key, scope, client_ip(request))
    except ProcuraError:
        return _login(request, gettext(lang, N_("Unknown or revoked API key.")), 401)
    response = RedirectResponse("/agency", status_code=303)
    _cookie(request, response, AGENCY_COOKIE, key)
    response.delete_cookie(LOGIN_CSRF, path="/agency")
    return response


@router.post("/agency/logout")
def sign_out(request: Request, session: SessionDep, form: Annotated[FormData, Depends(form_of)]) -> Response:
    """Forget the key in this browser (the key itself stays valid until an admin revokes it)."""
    response = RedirectResponse("/agency/login", status_code=303)
    response.delete_cookie(AGENCY_COOKIE, path="/agency")
    return response


def _scopes(session: SessionDep, viewer: Viewer) -> list[str]:
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == keys.key_hash(viewer.token)))
    return list(row.scopes) if row is not None else []


@router.get("/agency")
def home(request: Request, session: SessionDep, viewer: ReadViewer) -> Response:
    """The documents addressed to the agency (deadline, PDF, replies), the upload form, the receipts."""
    p = viewer.principal
    agency = exchange.agency_of(session, p)
    context = {
        "agency": agency,
        "documents": exchange.documents(session, p),
        "batches": [exchange.receipt(b) for b in exchange.batches(session, p)],
        "scopes": _scopes(session, viewer),
    }
    return render(request, "agency_home.html", context)


@router.post("/agency/batches")
async def upload(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: UploadViewer
) -> Response:
    """Upload one file for one table; the receipt page follows."""
    form = await request.form()
    _checked(viewer, form)
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise InvalidInput("请选择文件 choose a file", {"field": "file"})
    data = await sent.read()
    batch = exchange.upload(
        session, settings, viewer.principal, str(form.get("table") or ""), sent.filename, data
    )
    return RedirectResponse(f"/agency/batches/{batch.id}", status_code=303)


@router.get("/agency/batches/{batch_id}")
def receipt(request: Request, batch_id: str, session: SessionDep, viewer: UploadViewer) -> Response:
    """A receipt: batch id, content hash, counts and each set-aside row's reason."""
    batch = exchange.get_batch(session, viewer.principal, batch_id)
    return render(request, "agency_receipt.html", {"r": exchange.receipt(batch)})


@router.get("/agency/batches/{batch_id}/reasons.csv")
def reasons(batch_id: str, session: SessionDep, viewer: UploadViewer) -> Response:
    """The per-row reasons as CSV (UTF-8 with BOM, opens in spreadsheet programs)."""
    batch = exchange.get_batch(session, viewer.principal, batch_id)
    return Response(
        exchange.reasons_csv(batch).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="reasons.csv"'},
    )


@router.get("/agency/documents/{document_id}")
def document_page(request: Request, document_id: RowId, session: SessionDep, viewer: ReadViewer) -> Response:
    """One document addressed to the agency, its replies and the reply form."""
    doc = exchange.document(session, viewer.principal, document_id)
    context = {
        "d": exchange.document_view(session, doc),
        "scopes": _scopes(session, viewer),
        "today": today().isoformat(),
    }
    return render(request, "agency_document.html", context)


@router.get("/agency/documents/{document_id}/pdf")
def document_pdf(document_id: RowId, session: SessionDep, viewer: ReadViewer) -> Response:
    """The finalised PDF exactly as registered."""
    doc = exchange.document(session, viewer.principal, document_id)
    return Response(
        doc.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="document-{doc.id}.pdf"'},
    )


@router.post("/agency/documents/{document_id}/replies")
async def reply(
    request: Request, document_id: RowId, session: SessionDep, settings: SettingsDep, viewer: ReplyViewer
) -> Response:
    """A dated reply with the correction made and an attachment (checked as through the API)."""
    form = await request.form()
    _checked(viewer, form)
    try:
        day = date.fromisoformat(str(form.get("response_date") or ""))
    except ValueError:
        raise InvalidInput("回复日期 response_date: YYYY-MM-DD", {"field": "response_date"}) from None
    sent = form.get("attachment")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise InvalidInput("请附上整改材料 attach the evidence of the correction", {"field": "attachment"})
    data = await sent.read(settings.exchange_max_attachment + 1)
    exchange.reply(
        session,
        settings,
        viewer.principal,
        document_id,
        day,
        str(form.get("correction") or ""),
        sent.filename,
        data,
    )
    return RedirectResponse(f"/agency/documents/{document_id}?done=reply", status_code=303)

