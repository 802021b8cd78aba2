"""Users: creation, listing and disabling, by administrators within their jurisdiction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procura.access import audit, rls
from procura.access.auth import end_sessions, set_password, unlock
from procura.access.offices import get_office, jurisdiction_query
from procura.access.orm import User
from procura.access.policy import in_jurisdiction, require_jurisdiction, require_role
from procura.access.principal import DEPARTMENTS, ROLES, SYSTEM, Principal
from procura.clock import utcnow
from procura.errors import Forbidden, InvalidInput, NotFound

MIN_PASSWORD = 8
# Roles that may unmask any lead of their department or office (ADR 0561). An
# admin never grants them: a chief grants them, up to its own rank, so that no
# administrator can make itself a user who sees personal data.
UNMASKING_ROLES = frozenset({"department_head", "chief"})
GRANTS = {"admin": frozenset(ROLES) - UNMASKING_ROLES, "chief": UNMASKING_ROLES}


def user_count(session: Session) -> int:
    """How many users exist in every office (zero means the first admin may be created unauthenticated)."""
    counted = rls.user_count(session)  # PostgreSQL: users outside the scope are hidden from the app role
    if counted is not None:
        return counted
    return int(session.execute(select(func.count()).select_from(User)).scalar_one())


def add_user(
    session: Session,
    principal: Principal,
    username: str,
    password: str,
    office_id: str,
    department: str,
    role: str,
    display_name: str = "",
) -> User:
    """Create a user in the creator's jurisdiction (SYSTEM for the first admin).

    Admins create handlers, analysts, auditors and admins; chiefs create heads
    and chiefs (GRANTS).
    """
    require_role(principal, list(GRANTS), "add users")
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").isalnum():
        raise InvalidInput(f"username {username!r}: 1-64 letters, digits, '_' or '.'", {"field": "username"})
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: at least {MIN_PASSWORD} characters", {"field": "password"})
    if department not in DEPARTMENTS:
        raise InvalidInput(
            f"department {department!r}: one of {', '.join(DEPARTMENTS)}", {"field": "department"}
        )
    if role not in ROLES:
        raise InvalidInput(f"role {role!r}: one of {', '.join(ROLES)}", {"field": "role"})
    if principal.role != "system" and role not in GRANTS[principal.role]:
        raise Forbidden(
            f"无权授予该角色 a {principal.role} may not grant the role {role}",
            {"action": "add users", "role": role, "grantable": sorted(GRANTS[principal.role])},
        )
    get_office(session, office_id)
    require_jurisdiction(principal, office_id, "add users")
    taken = rls.username_taken(session, username)
    if taken is None:
        taken = session.scalar(select(User).where(User.username == username)) is not None
    if taken:
        raise InvalidInput(f"username {username!r} already exists", {"field": "username"})
    user = User(
        username=username,
        display_name=display_name,
        office_id=office_id,
        department=department,
        role=role,
        active=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    set_password(session, principal, user, password)
    audit.record(
        session,
        principal,
        "user.add",
        "user",
        str(user.id),
        details={"username": username, "office": office_id, "department": department, "role": role},
    )
    return user


def list_users(session: Session, principal: Principal, office_id: str | None = None) -> list[User]:
    """Users in the admin's jurisdiction (optionally one office), sorted by username."""
    require_role(principal, ["admin"], "list users")
    query = select(User).order_by(User.username)
    if principal.role != "system":
        query = query.where(User.office_id.in_(jurisdiction_query(principal.office_id)))
    if office_id:
        query = query.where(User.office_id == office_id)
    return list(session.scalars(query))


def get_user(session: Session, principal: Principal, username: str) -> User:
    """A user the admin manages, by name; NotFound otherwise."""
    require_role(principal, ["admin"], "manage users")
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not in_jurisdiction(principal, user.office_id):
        raise NotFound(f"user {username!r} not found")
    return user


def set_active(session: Session, principal: Principal, username: str, active: bool) -> User:
    """Disable (ending every session) or re-enable a user."""
    user = get_user(session, principal, username)
    if not active and user.active and user.role == "admin":
        others = (
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.active.is_(True), User.id != user.id)
        )
        if not session.execute(others).scalar_one():
            last = "不能停用最后一名管理员 the last active admin cannot be disabled"
            raise Forbidden(last, {"action": "disable"})
    user.active = active
    ended = 0 if active else end_sessions(session, user.id, "disabled")
    audit.record(
        session,
        principal,
        "user.enable" if active else "user.disable",
        "user",
        str(user.id),
        details={"username": username, "sessions_ended": ended},
    )
    return user


def bootstrap_admin(session: Session, username: str, password: str, office_id: str) -> User:
    """Create the first administrator of an empty store; Forbidden once any user exists."""
    if user_count(session):
        raise Forbidden("users already exist: sign in as an admin to add more")
    return add_user(session, SYSTEM, username, password, office_id, "criminal", "admin", "管理员")


def reset_password(session: Session, principal: Principal, username: str, password: str) -> User:
    """Set a user's password; unlocks and ends the user's sessions.

    Whoever may grant the user's role may reset it, in their jurisdiction
    (GRANTS): admins for handlers, analysts, auditors and admins, chiefs for
    heads and chiefs. An admin resetting a chief's password could sign in as
    the chief and unmask, the door ``add_user`` already keeps shut (ADR 0590).
    """
    require_role(principal, list(GRANTS), "reset passwords")
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not in_jurisdiction(principal, user.office_id):
        raise NotFound(f"user {username!r} not found")
    if principal.role != "system" and user.role not in GRANTS[principal.role]:
        raise Forbidden(
            f"无权重置该角色的密码 a {principal.role} may not reset the password of a {user.role}",
            {"action": "reset password", "role": user.role, "grantable": sorted(GRANTS[principal.role])},
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: at least {MIN_PASSWORD} characters", {"field": "password"})
    set_password(session, principal, user, password)
    user.failed_logins, user.locked_until = 0, None
    unlock(session, username)
    ended = end_sessions(session, user.id, "password reset")
    audit.record(
        session,
        principal,
        "user.reset_password",
        "user",
        str(user.id),
        details={"username": username, "sessions_ended": ended},
    )
    return user
