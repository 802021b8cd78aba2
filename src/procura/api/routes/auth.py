"""Sign-in and sign-out with opaque Bearer tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from procura.access.auth import authenticate, login, logout
from procura.api.deps import BearerDep, CurrentPrincipal, SessionDep, SettingsDep, client_ip
from procura.api.schemas.access import LoginIn, MePublic, TokenPublic
from procura.api.schemas.common import ERRORS

router = APIRouter(prefix="/auth", tags=["auth 登录"], responses={401: ERRORS[401], 422: ERRORS[422]})


@router.post("/login", response_model=TokenPublic, summary="登录 Sign in")
def sign_in(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep) -> TokenPublic:
    """Check the password (argon2) and open a session; five failures lock the account for a while."""
    ip = client_ip(request)
    token = login(session, settings, body.username, body.password, ip=ip)
    principal = authenticate(session, settings, token, ip=ip)
    return TokenPublic(access_token=token, user=MePublic.model_validate(principal))


@router.post("/logout", status_code=204, summary="退出 Sign out")
def sign_out(principal: CurrentPrincipal, session: SessionDep, credentials: BearerDep) -> Response:
    """End the session of the Bearer token (401 when it is unknown, expired or already ended)."""
    assert credentials is not None  # the principal was authenticated from it
    logout(session, credentials.credentials)
    return Response(status_code=204)


@router.get("/me", response_model=MePublic, summary="当前用户 Who am I")
def me(principal: CurrentPrincipal) -> MePublic:
    """The signed-in user's office, department and role."""
    return MePublic.model_validate(principal)
