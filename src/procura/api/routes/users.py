"""Users (admins, in their jurisdiction) and the office tree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from procura.access.offices import list_offices
from procura.access.users import add_user, get_user, list_users, set_active
from procura.api.deps import CurrentPrincipal, SessionDep
from procura.api.schemas.access import OfficePublic, UserIn, UserPatch, UserPublic
from procura.api.schemas.common import ERRORS

router = APIRouter(tags=["users & offices 用户与院"], responses={s: ERRORS[s] for s in (401, 403, 404, 422)})


@router.get("/users", response_model=list[UserPublic], summary="用户列表 Users")
def users(session: SessionDep, principal: CurrentPrincipal, office: str | None = None) -> list[UserPublic]:
    """Users of the admin's jurisdiction (optionally one office)."""
    return [UserPublic.model_validate(user) for user in list_users(session, principal, office)]


@router.post("/users", response_model=UserPublic, status_code=201, summary="新增用户 Add a user")
def create_user(body: UserIn, session: SessionDep, principal: CurrentPrincipal) -> UserPublic:
    """Create a user of an office in the admin's jurisdiction (password hashed with argon2)."""
    user = add_user(
        session,
        principal,
        body.username,
        body.password,
        body.office_id,
        body.department,
        body.role,
        body.display_name,
    )
    return UserPublic.model_validate(user)


@router.get("/users/{username}", response_model=UserPublic, summary="用户 One user")
def one_user(username: str, session: SessionDep, principal: CurrentPrincipal) -> UserPublic:
    """A user the admin manages."""
    return UserPublic.model_validate(get_user(session, principal, username))


@router.patch("/users/{username}", response_model=UserPublic, summary="停用/启用 Disable or enable")
def patch_user(
    username: str, body: UserPatch, session: SessionDep, principal: CurrentPrincipal
) -> UserPublic:
    """Disabling a user ends every session they have."""
    return UserPublic.model_validate(set_active(session, principal, username, body.active))


@router.get("/offices", response_model=list[OfficePublic], summary="检察院 Offices")
def offices(
    session: SessionDep,
    _: CurrentPrincipal,
    under: str | None = None,
    depth: Annotated[int | None, Query(ge=0, le=2)] = None,
) -> list[OfficePublic]:
    """The office tree (GB/T 2260), optionally below one office and to a depth."""
    return [OfficePublic.model_validate(office) for office in list_offices(session, under, depth)]
