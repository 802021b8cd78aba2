"""Sign-in: passwords, tokens, lockout, idle and absolute expiry, disabling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from procura.access import audit, auth, users
from procura.access.orm import AuthSession, LoginFailure, User
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import AuthenticationError, Forbidden, InvalidInput, NotFound

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(db: Session) -> Principal:
    user = users.bootstrap_admin(db, "root", "rootpassword", "330000-province")
    db.commit()
    return auth.principal_of(user)


@pytest.fixture
def alice(db: Session, admin: Principal) -> User:
    user = users.add_user(db, admin, "alice", "alicepassword", "330110-county", "criminal", "handler")
    db.commit()
    return user


def test_login_returns_a_token_stored_only_as_its_hash(db: Session, settings: Settings, alice: User) -> None:
    token = auth.login(db, settings, "alice", "alicepassword", "10.0.0.1", now=T0)
    stored = db.scalar(select(AuthSession.token_hash))
    assert stored == auth.token_hash(token) and token not in stored
    principal = auth.authenticate(db, settings, token, now=T0 + timedelta(minutes=1))
    assert (principal.username, principal.office_id, principal.role, principal.ip) == (
        "alice",
        "330110-county",
        "handler",
        "10.0.0.1",
    )
    assert alice.password_hash.startswith("$argon2")


def test_wrong_password_and_unknown_user_look_the_same(db: Session, settings: Settings, alice: User) -> None:
    with pytest.raises(AuthenticationError) as wrong:
        auth.login(db, settings, "alice", "nope", now=T0)
    with pytest.raises(AuthenticationError) as unknown:
        auth.login(db, settings, "bob", "nope", now=T0)
    assert wrong.value.message == unknown.value.message


def test_five_failures_lock_the_account_for_a_while(
    factory: sessionmaker[Session], settings: Settings, alice: User
) -> None:
    for n in range(settings.lockout_failures):
        # Each attempt in its own rolled-back unit of work: the failure must still count.
        with factory() as session:
            with pytest.raises(AuthenticationError):
                auth.login(session, settings, "alice", "wrong", now=T0 + timedelta(seconds=n))
            session.rollback()
    with factory() as session, pytest.raises(AuthenticationError, match="locked"):
        auth.login(session, settings, "alice", "alicepassword", now=T0 + timedelta(minutes=1))
    after = T0 + timedelta(minutes=settings.lockout_minutes, seconds=10)
    with factory() as session:
        assert auth.login(session, settings, "alice", "alicepassword", now=after)


def test_four_failures_then_success_reset_the_count(db: Session, settings: Settings, alice: User) -> None:
    for _ in range(settings.lockout_failures - 1):
        with pytest.raises(AuthenticationError):
            auth.login(db, settings, "alice", "wrong", now=T0)
    auth.login(db, settings, "alice", "alicepassword", now=T0)
    assert db.get(User, alice.id).failed_logins == 0  # type: ignore[union-attr]


def test_sessions_end_when_idle(db: Session, settings: Settings, alice: User) -> None:
    token = auth.login(db, settings, "alice", "alicepassword", now=T0)
    step = timedelta(minutes=settings.session_idle_minutes - 1)
    auth.authenticate(db, settings, token, now=T0 + step)
    auth.authenticate(db, settings, token, now=T0 + 2 * step)
    with pytest.raises(AuthenticationError, match="idle"):
        auth.authenticate(db, settings, token, now=T0 + 4 * step)
    with pytest.raises(AuthenticationError, match="ended"):
        auth.authenticate(db, settings, token, now=T0 + 4 * step)


def test_sessions_end_absolutely_even_when_used(db: Session, settings: Settings, alice: User) -> None:
    token = auth.login(db, settings, "alice", "alicepassword", now=T0)
    now = T0
    while now < T0 + timedelta(hours=settings.session_absolute_hours):
        auth.authenticate(db, settings, token, now=now)
        now += timedelta(minutes=settings.session_idle_minutes - 5)
    with pytest.raises(AuthenticationError, match="expired"):
        auth.authenticate(db, settings, token, now=now)


def test_disabling_a_user_ends_their_sessions_and_blocks_login(
    db: Session, settings: Settings, admin: Principal, alice: User
) -> None:
    token = auth.login(db, settings, "alice", "alicepassword", now=T0)
    users.set_active(db, admin, "alice", False)
    with pytest.raises(AuthenticationError):
        auth.authenticate(db, settings, token, now=T0)
    with pytest.raises(AuthenticationError, match="disabled"):
        auth.login(db, settings, "alice", "alicepassword", now=T0)
    users.set_active(db, admin, "alice", True)
    assert auth.login(db, settings, "alice", "alicepassword", now=T0)


def test_logout_ends_the_session(db: Session, settings: Settings, alice: User) -> None:
    token = auth.login(db, settings, "alice", "alicepassword", now=T0)
    auth.logout(db, token, now=T0)
    with pytest.raises(AuthenticationError):
        auth.authenticate(db, settings, token, now=T0)


def test_admins_manage_users_within_their_jurisdiction(db: Session, admin: Principal, alice: User) -> None:
    county_admin = auth.principal_of(
        users.add_user(db, admin, "yuhang_admin", "adminpassword", "330110-county", "criminal", "admin")
    )
    with pytest.raises(Forbidden, match="jurisdiction"):
        users.add_user(db, county_admin, "x1", "password123", "330106-county", "criminal", "handler")
    assert [u.username for u in users.list_users(db, county_admin)] == ["alice", "yuhang_admin"]
    with pytest.raises(NotFound):
        users.get_user(db, county_admin, "root")
    with pytest.raises(Forbidden, match="role handler"):
        users.list_users(db, auth.principal_of(alice))


@pytest.mark.parametrize(
    ("username", "password", "office", "department", "role", "field"),
    [
        ("bad name", "password123", "330110-county", "criminal", "handler", "username"),
        ("bob", "short", "330110-county", "criminal", "handler", "password"),
        ("bob", "password123", "330110-county", "tax", "handler", "department"),
        ("bob", "password123", "330110-county", "criminal", "king", "role"),
        ("alice", "password123", "330110-county", "criminal", "handler", "username"),
    ],
)
def test_user_input_is_validated(
    db: Session,
    admin: Principal,
    alice: User,
    username: str,
    password: str,
    office: str,
    department: str,
    role: str,
    field: str,
) -> None:
    with pytest.raises(InvalidInput) as error:
        users.add_user(db, admin, username, password, office, department, role)
    assert error.value.details["field"] == field


def test_an_unknown_office_is_refused(db: Session, admin: Principal) -> None:
    with pytest.raises(InvalidInput, match="unknown office"):
        users.add_user(db, admin, "bob", "password123", "330110-city", "criminal", "handler")


def test_bootstrap_only_on_an_empty_store(db: Session, admin: Principal) -> None:
    with pytest.raises(Forbidden, match="already exist"):
        users.bootstrap_admin(db, "root2", "rootpassword", "330000-province")


def test_changing_ones_password_ends_every_session(db: Session, settings: Settings, alice: User) -> None:
    token = auth.login(db, settings, "alice", "alicepassword", now=T0)
    me = auth.authenticate(db, settings, token, now=T0)
    with pytest.raises(AuthenticationError):
        auth.change_password(db, me, "wrong", "newpassword1")
    with pytest.raises(InvalidInput):
        auth.change_password(db, me, "alicepassword", "short")
    auth.change_password(db, me, "alicepassword", "newpassword1")
    with pytest.raises(AuthenticationError):
        auth.authenticate(db, settings, token, now=T0)
    with pytest.raises(AuthenticationError):
        auth.login(db, settings, "alice", "alicepassword", now=T0)
    assert auth.login(db, settings, "alice", "newpassword1", now=T0)


def test_an_admin_reset_unlocks_the_account(
    db: Session, settings: Settings, admin: Principal, alice: User
) -> None:
    for _ in range(settings.lockout_failures):
        with pytest.raises(AuthenticationError):
            auth.login(db, settings, "alice", "wrong", now=T0)
    users.reset_password(db, admin, "alice", "resetpassword")
    assert auth.login(db, settings, "alice", "resetpassword", now=T0)
    with pytest.raises(InvalidInput):
        users.reset_password(db, admin, "alice", "short")


def test_only_whoever_may_grant_a_role_resets_its_password(
    db: Session, settings: Settings, admin: Principal
) -> None:
    """Before: any admin reset a chief's password, then signed in as the chief and unmasked (ADR 0590)."""
    chief = users.add_user(db, users.SYSTEM, "carol", "carolpassword", "330110-county", "criminal", "chief")
    head = users.add_user(
        db, users.SYSTEM, "dave", "davepassword", "330110-county", "criminal", "department_head"
    )
    db.commit()
    with pytest.raises(Forbidden, match="may not reset"):
        users.reset_password(db, admin, "carol", "takenover1")
    with pytest.raises(AuthenticationError):
        auth.login(db, settings, "carol", "takenover1", now=T0)
    # The chief resets the head's password in its jurisdiction; a handler resets nobody's.
    users.reset_password(db, auth.principal_of(chief), "dave", "headpassword2")
    assert auth.login(db, settings, "dave", "headpassword2", now=T0)
    with pytest.raises(Forbidden):
        users.reset_password(db, auth.principal_of(head), "carol", "takenover1")


def test_a_refused_sign_in_never_tells_a_real_name_from_an_unknown_one(
    factory: sessionmaker[Session], settings: Settings, alice: User
) -> None:
    """Before: a locked or disabled account answered 'account locked until …' / 'account disabled'."""
    messages = set()
    for n in range(settings.lockout_failures + 1):
        with factory() as session, pytest.raises(AuthenticationError) as refused:
            auth.login(session, settings, "alice", "wrong", now=T0 + timedelta(seconds=n))
        messages.add(refused.value.message)
    with factory() as session, pytest.raises(AuthenticationError) as unknown:
        auth.login(session, settings, "nobody-here", "wrong", now=T0)
    assert messages == {unknown.value.message}


def test_a_lock_holds_one_source_only_so_nobody_locks_a_user_out_from_elsewhere(
    factory: sessionmaker[Session], settings: Settings, alice: User
) -> None:
    """Before (ADR 0561): five wrong passwords from anywhere locked the account for everyone."""
    for n in range(settings.lockout_failures):
        with factory() as session, pytest.raises(AuthenticationError):
            auth.login(session, settings, "alice", "wrong", "203.0.113.9", now=T0 + timedelta(seconds=n))
    later = T0 + timedelta(minutes=1)
    with factory() as session, pytest.raises(AuthenticationError) as locked:
        auth.login(session, settings, "alice", "alicepassword", "203.0.113.9", now=later)
    with factory() as session:
        assert auth.login(session, settings, "alice", "alicepassword", "10.0.0.7", now=later)
        session.commit()
    # The lock is in the audit (with the source), never in the message.
    with factory() as session:
        entries, _ = audit.list_entries(session, action="auth.login_failed", limit=100)
    reasons = [(e.details["reason"], e.details.get("source")) for e in reversed(entries)]
    assert reasons[-1] == ("locked", "203.0.113.9")
    assert ("wrong password", "203.0.113.9") in reasons
    # An unknown name is locked in the same way and answered with the same message.
    for n in range(settings.lockout_failures + 1):
        with factory() as session, pytest.raises(AuthenticationError) as unknown:
            auth.login(session, settings, "mallory", "wrong", "203.0.113.9", now=T0 + timedelta(seconds=n))
    assert unknown.value.message == locked.value.message
    with factory() as session:
        entries, _ = audit.list_entries(session, action="auth.login_failed", actor="mallory", limit=100)
    assert entries[0].details["reason"] == "locked"


def test_a_reset_clears_the_locks_of_every_source(
    factory: sessionmaker[Session], settings: Settings, admin: Principal, alice: User
) -> None:
    for source in ("203.0.113.9", "198.51.100.4"):
        for _ in range(settings.lockout_failures):
            with factory() as session, pytest.raises(AuthenticationError):
                auth.login(session, settings, "alice", "wrong", source, now=T0)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 2
        users.reset_password(session, admin, "alice", "resetpassword")
        session.commit()
    with factory() as session:
        assert auth.login(session, settings, "alice", "resetpassword", "203.0.113.9", now=T0)
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 0
