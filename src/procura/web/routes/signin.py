"""Signing in and out of the workbench, and the language switch."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from procura.access.auth import login, logout
from procura.api.deps import SessionDep, SettingsDep, client_ip
from procura.errors import AuthenticationError
from procura.web.i18n import LANGS, N_, gettext
from procura.web.render import render
from procura.web.session import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    FormDep,
    form_of,
    lang_of,
    new_login_csrf,
    safe_next,
)

router = APIRouter(include_in_schema=False)


def _form(
    request: Request, next_path: str, error: str = "", status: int = 200, username: str = ""
) -> Response:
    token = new_login_csrf()
    context = {"next": safe_next(next_path), "error": error, "csrf": token, "username": username}
    if request.query_params.get("expired") and not error:
        context["error"] = gettext(lang_of(request), N_("Your session has ended. Please sign in again."))
    response = render(request, "login.html", context, status=status)
    _cookie(request, response, LOGIN_CSRF_COOKIE, token, "/login")
    return response


def _cookie(
    request: Request, response: Response, name: str, value: str, path: str, max_age: int | None = None
) -> None:
    """An HttpOnly, SameSite=Strict cookie (Secure over https)."""
    secure = request.url.scheme == "https"
    response.set_cookie(name, value, max_age, path=path, httponly=True, samesite="strict", secure=secure)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return _form(request, next)


@router.post("/login")
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[FormData, Depends(form_of)],
) -> Response:
    """Check the password like the API does and put the session token in an HttpOnly cookie."""
    lang = lang_of(request)
    next_path = safe_next(str(form.get("next") or "/"))
    sent, expected = str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    username = str(form.get("username") or "").strip()
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        message = N_("The sign-in form had expired; please try again.")
        return _form(request, next_path, gettext(lang, message), 403, username)
    try:
        token = login(session, settings, username, str(form.get("password") or ""), ip=client_ip(request))
    except AuthenticationError as exc:
        message = N_("Wrong username or password, or the account is locked or disabled.")
        return _form(request, next_path, gettext(lang, message), exc.http_status, username)
    response = RedirectResponse(next_path, status_code=303)
    _cookie(request, response, SESSION_COOKIE, token, "/", settings.session_absolute_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def sign_out(request: Request, session: SessionDep, form: FormDep) -> Response:
    """End the session (as ``POST /api/v1/auth/logout`` does) and drop the cookie."""
    logout(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    """Switch the page language (a preference cookie, no personal data)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86400, path="/")
    return response
