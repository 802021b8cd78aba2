"""Typed dependencies of the route handlers: settings, a session, the principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from procura.access.auth import authenticate
from procura.access.principal import Principal
from procura.config import Settings
from procura.db import session_scope
from procura.errors import AuthenticationError

bearer = HTTPBearer(auto_error=False, description="会话令牌 session token from POST /api/v1/auth/login")


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed before the response is sent, rolled back on error."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with session_scope(factory) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def client_ip(request: Request) -> str:
    """The caller's address as the server sees it (recorded in the audit log)."""
    return request.client.host if request.client else ""


def current_principal(
    request: Request, session: SessionDep, settings: SettingsDep, credentials: BearerDep
) -> Principal:
    """The principal of the Bearer token; 401 when it is missing, unknown or expired."""
    if credentials is None:
        raise AuthenticationError("需要登录 sign in first: send Authorization: Bearer <token>")
    principal = authenticate(session, settings, credentials.credentials, ip=client_ip(request))
    request.state.principal = principal  # for the audit of a denied attempt
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
