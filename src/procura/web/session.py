"""The browser's session: the API's opaque token in an HttpOnly cookie, and CSRF tokens.

The cookie holds the same token ``POST /api/v1/auth/login`` returns, so a
page is authenticated exactly as an API call is (``access.auth.authenticate``:
idle and absolute expiry, disabled users). Every form POST carries a CSRF
token bound to the session (an HMAC of the session token, which a script on
another site can neither read nor compute); the sign-in form, before any
session exists, uses a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

from procura.access.auth import authenticate
from procura.access.principal import Principal
from procura.api.deps import SessionDep, SettingsDep, client_ip
from procura.errors import AuthenticationError, Forbidden
from procura.web.i18n import DEFAULT_LANG, LANGS

SESSION_COOKIE = "procura_session"
LOGIN_CSRF_COOKIE = "procura_login_csrf"
LANG_COOKIE = "procura_lang"


class SignInRequired(Exception):
    """No session, or an expired one: the page sends the browser to the sign-in form."""

    def __init__(self, next_path: str, expired: bool) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired


class CsrfRejected(Forbidden):
    """A form POST without the right CSRF token; nothing is done."""

    code = "csrf_failed"


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page: the principal, their session token and the page language."""

    principal: Principal
    token: str
    lang: str

    @property
    def csrf(self) -> str:
        """The CSRF token of this session."""
        return csrf_for(self.token)


def csrf_for(token: str) -> str:
    """The CSRF token bound to a session token."""
    return hmac.new(token.encode(), b"procura-csrf", hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    """A fresh double-submit token for the sign-in form."""
    return secrets.token_urlsafe(24)


def lang_of(request: Request) -> str:
    """The page language chosen by the cookie (Chinese by default)."""
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def safe_next(path: str | None) -> str:
    """A local path to return to after sign-in (never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def login_url(next_path: str, expired: bool = False) -> str:
    """The sign-in page that returns to ``next_path``."""
    query = f"?next={quote(safe_next(next_path), safe='/')}"
    return "/login" + query + ("&expired=1" if expired else "")


def current_viewer(request: Request, session: SessionDep, settings: SettingsDep) -> Viewer:
    """The signed-in viewer of a page; SignInRequired when the cookie is missing or the session ended."""
    token = request.cookies.get(SESSION_COOKIE)
    # After signing in again, a GET returns to its page; a form POST to the start page.
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        path = "/"
    if not token:
        raise SignInRequired(path, expired=False)
    try:
        principal = authenticate(session, settings, token, ip=client_ip(request))
    except AuthenticationError as exc:
        raise SignInRequired(path, expired=True) from exc
    viewer = Viewer(principal, token, lang_of(request))
    request.state.viewer = viewer
    return viewer


async def form_of(request: Request) -> FormData:
    """The submitted form."""
    return await request.form()


def checked_form(
    viewer: Annotated[Viewer, Depends(current_viewer)], form: Annotated[FormData, Depends(form_of)]
) -> FormData:
    """The form of a signed-in POST after its CSRF token was checked."""
    sent = str(form.get("csrf") or "")
    if not sent or not hmac.compare_digest(sent, viewer.csrf):
        raise CsrfRejected("CSRF token missing or wrong", {"field": "csrf"})
    return form


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
FormDep = Annotated[FormData, Depends(checked_form)]


def purpose_of(form: FormData) -> str:
    """The stated purpose of a form: its listed purpose and the reason in words (``access.purposes``)."""
    return f"{form.get('purpose_code') or ''}: {form.get('purpose') or ''}"
