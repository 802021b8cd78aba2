"""Sign-in: argon2 passwords, opaque session tokens, expiry and lockout.

A token is 32 random bytes shown once to the client; the store keeps only its
SHA-256. A session ends after ``session_idle_minutes`` without use, after
``session_absolute_hours`` in any case, at logout, or when the user is disabled.
``lockout_failures`` failed sign-ins in a row from one source address lock
that (username, source) pair for ``lockout_minutes`` (ADR 0570): the user can
still sign in from elsewhere, and unknown names lock the same way, so a lock
tells nothing about whether a name exists.

On PostgreSQL the app role cannot read password hashes: a password is checked
through the definer functions ``procura_password_params`` (algorithm,
parameters and salt, without the digest) and ``procura_password_matches``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache
from typing import NoReturn

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret_raw
from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.orm import AuthSession, LoginFailure, User
from procura.access.principal import Principal
from procura.access.rls import scope_to_user
from procura.clock import as_utc, utcnow
from procura.config import Settings
from procura.db import note_scope
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


_TYPES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}


def _candidate(prefix: str, digest_chars: int, password: str) -> str | None:
    """The encoded argon2 hash ``password`` would have under the stored parameters and salt."""
    try:
        _, kind, version, params, salt = prefix.split("$")
        costs = dict(item.split("=") for item in params.split(","))
        raw = hash_secret_raw(
            password.encode("utf-8"),
            base64.b64decode(salt + "=" * (-len(salt) % 4)),
            time_cost=int(costs["t"]),
            memory_cost=int(costs["m"]),
            parallelism=int(costs["p"]),
            hash_len=digest_chars * 3 // 4,
            type=_TYPES[kind],
            version=int(version.removeprefix("v=")),
        )
    except (ValueError, KeyError):
        return None
    return f"{prefix}${base64.b64encode(raw).decode('ascii').rstrip('=')}"


def _matching_candidate(session: Session, user: User, password: str) -> str | None:
    """On PostgreSQL: the stored hash of ``user`` if ``password`` is theirs, else None (ADR 0570).

    The app role never reads the hash: it derives the candidate from the stored
    parameters and salt and asks the definer function whether it is equal.
    """
    params = session.execute(text("SELECT * FROM procura_password_params(:u)"), {"u": user.id}).first()
    candidate = _candidate(params[0], params[1], password) if params else None
    if candidate is None:
        check_password(_dummy_hash(), password)  # the same time as a real check
        return None
    matches = session.execute(
        text("SELECT procura_password_matches(:u, :c)"), {"u": user.id, "c": candidate}
    ).scalar_one()
    return candidate if matches else None


def password_matches(session: Session, user: User, password: str) -> bool:
    """True when ``password`` is the user's; on PostgreSQL without reading the hash (ADR 0570)."""
    if session.get_bind().dialect.name != "postgresql":
        return check_password(user.password_hash, password)
    return _matching_candidate(session, user, password) is not None


def set_password(
    session: Session, principal: Principal, user: User, password: str, old_candidate: str | None = None
) -> None:
    """Store a new argon2 hash of ``password`` for ``user`` on behalf of ``principal``.

    On PostgreSQL the app role may not write the column: ``procura_set_password``
    does, after checking the principal's own session token (ADR 0590). The
    service layer has already checked the principal's rights; the database
    checks them again.
    """
    new_hash = hash_password(password)
    if session.get_bind().dialect.name != "postgresql":
        user.password_hash = new_hash
        return
    session.flush()
    session.execute(
        text("SELECT procura_set_password(:u, :h, :t, :o)"),
        {"u": user.id, "h": new_hash, "t": principal.token, "o": old_candidate},
    )
    session.expire(user, ["password_hash"])


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
    scope_to_user(session, username=username)
    user = session.scalar(select(User).where(User.username == username))
    target = str(user.id) if user is not None else username
    pair = _failures(session, username, ip)
    if pair is not None and pair.locked_until is not None and as_utc(pair.locked_until) > now:
        check_password(_dummy_hash(), password)  # a lock answers no faster than a wrong password
        until = f"{as_utc(pair.locked_until):%Y-%m-%d %H:%M}"
        details: dict[str, object] = {"reason": "locked", "source": ip, "until": until}
        _refuse(session, target, username, ip, now, details, _BAD_LOGIN)
    if user is None:
        # Spend the same time as for a wrong password, so names cannot be probed by timing.
        check_password(_dummy_hash(), password)
        failed = _failed(session, settings, username, ip, now, "unknown user")
        _refuse(session, target, username, ip, now, failed, _BAD_LOGIN)
    if not user.active:
        check_password(_dummy_hash(), password)
        _refuse(session, target, username, ip, now, {"reason": "disabled"}, _BAD_LOGIN)
    postgres = session.get_bind().dialect.name == "postgresql"
    candidate = _matching_candidate(session, user, password) if postgres else None
    if not (candidate is not None if postgres else check_password(user.password_hash, password)):
        failed = _failed(session, settings, username, ip, now, "wrong password")
        _refuse(session, target, username, ip, now, failed, _BAD_LOGIN)
    if pair is not None:
        session.delete(pair)
    token = secrets.token_urlsafe(32)
    if postgres:
        # The app role cannot insert sessions: the definer checks the password once more (ADR 0590).
        opened = session.execute(
            text("SELECT procura_open_session(:u, :c, :t, :ip, :now)"),
            {"u": user.id, "c": candidate, "t": token_hash(token), "ip": ip, "now": now},
        ).scalar_one()
        if not opened:
            _refuse(session, target, username, ip, now, {"reason": "changed during sign-in"}, _BAD_LOGIN)
    else:
        session.add(
            AuthSession(
                token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now, ip=ip
            )
        )
    audit.record(session, principal_of(user, ip), "auth.login", "user", str(user.id), at=now)
    session.flush()
    return token


def _failures(session: Session, username: str, source: str) -> LoginFailure | None:
    return session.get(LoginFailure, (username, source[:64]), populate_existing=True)


def _failed(
    session: Session, settings: Settings, username: str, source: str, now: datetime, reason: str
) -> dict[str, object]:
    """Count a failure of the (username, source) pair, locking it at ``lockout_failures``; audit details."""
    source = source[:64]
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[session.get_bind().dialect.name]
    session.execute(
        insert(LoginFailure)
        .values(username=username[:64], source=source, failures=0, last_at=now)
        .on_conflict_do_nothing(index_elements=["username", "source"])  # type: ignore[attr-defined]
    )
    pair = session.get(LoginFailure, (username[:64], source), populate_existing=True, with_for_update=True)
    assert pair is not None
    pair.failures += 1
    pair.last_at = now
    details: dict[str, object] = {"reason": reason, "source": source, "failures": pair.failures}
    if pair.failures >= settings.lockout_failures:
        pair.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        pair.failures = 0
        details["locked_minutes"] = settings.lockout_minutes
    return details


def unlock(session: Session, username: str) -> int:
    """Clear every failure count and lock of ``username`` (an admin's password reset); how many."""
    result = session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def authenticate(
    session: Session,
    settings: Settings,
    token: str,
    ip: str = "",
    now: datetime | None = None,
) -> Principal:
    """The principal of a live session token; AuthenticationError when it is not live."""
    now = now or utcnow()
    scope_to_user(session, token_hash=token_hash(token))
    found = session.execute(
        select(AuthSession, User)
        .outerjoin(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == token_hash(token))
    ).first()
    if found is None or found[0].ended_at is not None:
        raise AuthenticationError("会话无效或已结束 session invalid or ended; sign in again")
    row, user = found
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
    # ``scope_to_user`` set the transaction's scope to this user's office (the token's user).
    note_scope(session, user.office_id or "")
    return replace(principal_of(user, ip or row.ip), token=token)


def logout(session: Session, token: str, now: datetime | None = None) -> None:
    """End the session of ``token`` (unknown tokens are ignored)."""
    now = now or utcnow()
    scope_to_user(session, token_hash=token_hash(token))
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
    postgres = session.get_bind().dialect.name == "postgresql"
    candidate = _matching_candidate(session, user, old) if user is not None and postgres else None
    if user is None or not (candidate is not None if postgres else password_matches(session, user, old)):
        raise AuthenticationError(_BAD_LOGIN)
    if len(new) < min_length:
        raise InvalidInput(f"password: at least {min_length} characters", {"field": "password"})
    set_password(session, principal, user, new, old_candidate=candidate)
    ended = end_sessions(session, user.id, "password")
    audit.record(session, principal, "user.password", "user", str(user.id), details={"sessions_ended": ended})
