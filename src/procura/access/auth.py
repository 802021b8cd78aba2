"""Sign-in: argon2 passwords, opaque session tokens, expiry and lockout.

A token is 32 random bytes shown once to the client; the store keeps only its
SHA-256. A session ends after ``session_idle_minutes`` without use, after
``session_absolute_hours`` in any case, at logout, or when the user is disabled.
``lockout_failures`` wrong passwords in a row lock the account for
``lockout_minutes``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.orm import AuthSession, User
from procura.access.principal import Principal
from procura.clock import as_utc, utcnow
from procura.config import Settings
from procura.errors import AuthenticationError, InvalidInput

_hasher = PasswordHasher()
SEEN_GRANULARITY = timedelta(minutes=1)
# One message for every refused sign-in (ADR 0561): it never tells a real name from an unknown one.
_BAD_LOGIN = (
    "用户名或密码错误，或账户已锁定、停用 wrong username or password, or the account is locked or disabled"
)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def principal_of(user: User, ip: str = "") -> Principal:
    """The principal acting as ``user``."""
    return Principal(user.id, user.username, user.office_id, user.department, user.role, ip)


def _refuse(
    session: Session,
    target: str,
    username: str,
    ip: str,
    now: datetime,
    details: dict[str, object],
    message: str,
) -> NoReturn:
    """Audit a failed sign-in, commit it (the failure count must survive the caller's rollback), refuse."""
    audit.record(
        session, None, "auth.login_failed", "user", target, actor=username, ip=ip, at=now, details=details
    )
    session.commit()
    raise AuthenticationError(message)


def login(
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    ip: str = "",
    now: datetime | None = None,
) -> str:
    """Check the password and open a session; return its token.

    A failed attempt is committed before the error is raised, so that the
    failure count survives the caller's rollback.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        # Spend the same time as for a wrong password, so names cannot be probed by timing.
        check_password(_dummy_hash(), password)
        _refuse(session, username, username, ip, now, {"reason": "unknown user"}, _BAD_LOGIN)
    if not user.active:
        _refuse(session, str(user.id), username, ip, now, {"reason": "disabled"}, _BAD_LOGIN)
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        until = f"{as_utc(user.locked_until):%Y-%m-%d %H:%M}"
        _refuse(session, str(user.id), username, ip, now, {"reason": "locked", "until": until}, _BAD_LOGIN)
    if not check_password(user.password_hash, password):
        user.failed_logins += 1
        details: dict[str, object] = {"reason": "wrong password", "failures": user.failed_logins}
        if user.failed_logins >= settings.lockout_failures:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            details["locked_minutes"] = settings.lockout_minutes
        _refuse(session, str(user.id), username, ip, now, details, _BAD_LOGIN)
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    session.add(
        AuthSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now, ip=ip)
    )
    audit.record(session, principal_of(user, ip), "auth.login", "user", str(user.id), at=now)
    session.flush()
    return token


def authenticate(
    session: Session,
    settings: Settings,
    token: str,
    ip: str = "",
    now: datetime | None = None,
) -> Principal:
    """The principal of a live session token; AuthenticationError when it is not live."""
    now = now or utcnow()
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None:
        raise AuthenticationError("会话无效或已结束 session invalid or ended; sign in again")
    user = session.get(User, row.user_id)
    reason = None
    if user is None or not user.active:
        reason = "disabled"
    elif as_utc(row.last_seen_at) + timedelta(minutes=settings.session_idle_minutes) < now:
        reason = "idle"
    elif as_utc(row.created_at) + timedelta(hours=settings.session_absolute_hours) < now:
        reason = "expired"
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        session.commit()
        raise AuthenticationError(f"会话已过期 session ended ({reason}); sign in again")
    assert user is not None
    # Record use at most once a minute: fewer writes, idle expiry still to the minute.
    if now - as_utc(row.last_seen_at) >= SEEN_GRANULARITY:
        row.last_seen_at = now
    return principal_of(user, ip or row.ip)


def logout(session: Session, token: str, now: datetime | None = None) -> None:
    """End the session of ``token`` (unknown tokens are ignored)."""
    now = now or utcnow()
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = now, "logout"
        user = session.get(User, row.user_id)
        audit.record(
            session, principal_of(user) if user else None, "auth.logout", "user", str(row.user_id), at=now
        )


def end_sessions(session: Session, user_id: int, reason: str, now: datetime | None = None) -> int:
    """End every open session of a user; return how many."""
    result = session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def change_password(session: Session, principal: Principal, old: str, new: str, min_length: int = 8) -> None:
    """Change one's own password (the old one is checked); every session ends, sign in again."""
    user = session.get(User, principal.user_id)
    if user is None or not check_password(user.password_hash, old):
        raise AuthenticationError(_BAD_LOGIN)
    if len(new) < min_length:
        raise InvalidInput(f"password: at least {min_length} characters", {"field": "password"})
    user.password_hash = hash_password(new)
    ended = end_sessions(session, user.id, "password")
    audit.record(session, principal, "user.password", "user", str(user.id), details={"sessions_ended": ended})
