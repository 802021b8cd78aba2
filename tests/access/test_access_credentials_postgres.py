"""Issue 10 item 4: the app role can neither write password hashes nor mint sessions (ADR 0590).

Before revision 0010 the application's login role could set any user's
password hash in its scope to one it knows, or insert a session row for any
user with a token it knows, and so act as that user. Each test below tries one
such door as the app role with plain SQL, then checks that the legitimate
paths (sign-in, an admin's reset, one's own change, the first admin) still
work through the service layer as the same role.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ops_fixtures import PASSWORD, PgStore, make_user, postgres_database
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from procura.access import auth, users
from procura.access.principal import Principal
from procura.config import Settings
from procura.db import set_scope
from procura.errors import AuthenticationError

pytestmark = pytest.mark.postgres

COUNTY, SIBLING = "330110-county", "330106-county"
KNOWN_HASH = auth.hash_password("attacker-knows-this-1")


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgStore]:
    with postgres_database(Settings(home=tmp_path_factory.mktemp("pg-credentials"))) as store:
        with store.system() as db:
            make_user(db, "cred_admin", COUNTY, role="admin")
            make_user(db, "cred_handler", COUNTY, role="handler")
            make_user(db, "cred_victim", COUNTY, role="chief")
            make_user(db, "cred_other_admin", SIBLING, role="admin")
            db.commit()
        yield store


def _signed_in(pg: PgStore, db: Session, username: str, password: str = PASSWORD) -> Principal:
    """Sign in as the app role, as the API does; the principal carries its token."""
    token = auth.login(db, Settings(home=pg.home), username, password, ip="127.0.0.1")
    db.commit()
    return auth.authenticate(db, Settings(home=pg.home), token)


def _user_id(pg: PgStore, username: str) -> int:
    with pg.system() as db:
        return int(db.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar_one())


def test_the_app_role_cannot_write_a_password_hash(pg: PgStore) -> None:
    with pg.factory() as db:
        set_scope(db, COUNTY)
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(
                text("UPDATE users SET password_hash = :h WHERE username = 'cred_victim'"), {"h": KNOWN_HASH}
            )
        db.rollback()
        set_scope(db, COUNTY)
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(
                text(
                    "INSERT INTO users (username, display_name, password_hash, office_id, department, role, "
                    "active, failed_logins, created_at) VALUES ('cred_new', '', :h, :o, 'criminal', "
                    "'admin', true, 0, now())"
                ),
                {"h": KNOWN_HASH, "o": COUNTY},
            )
        db.rollback()
    with pytest.raises(AuthenticationError), pg.factory() as db:
        auth.login(db, Settings(home=pg.home), "cred_victim", "attacker-knows-this-1")


def test_the_app_role_cannot_mint_or_steal_a_session(pg: PgStore) -> None:
    victim = _user_id(pg, "cred_victim")
    with pg.factory() as db:
        set_scope(db, COUNTY)
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(
                text(
                    "INSERT INTO auth_sessions (token_hash, user_id, created_at, last_seen_at, ip) "
                    "VALUES (:t, :u, now(), now(), '')"
                ),
                {"t": auth.token_hash("forged-token"), "u": victim},
            )
        db.rollback()
    with pg.factory() as db:
        mine = _signed_in(pg, db, "cred_handler")
        for column, value in (("token_hash", auth.token_hash("forged-token")), ("user_id", victim)):
            with pytest.raises(DBAPIError, match="permission denied"):
                db.execute(text(f"UPDATE auth_sessions SET {column} = :v"), {"v": value})
            db.rollback()
        # Ending one's own session is still the app's to do.
        auth.logout(db, mine.token)
        db.commit()
    with pytest.raises(AuthenticationError), pg.factory() as db:
        auth.authenticate(db, Settings(home=pg.home), "forged-token")


@pytest.mark.parametrize(
    ("actor", "old_candidate", "why"),
    [
        (None, None, "no live session"),
        ("cred_handler", None, "not this user's admin"),
        ("cred_other_admin", None, "not this user's admin"),
        ("cred_admin", None, "not this user's admin"),  # an admin may not set a chief's password
        ("cred_victim", None, "old password does not match"),
        ("cred_victim", KNOWN_HASH, "old password does not match"),
    ],
)
def test_the_password_function_checks_who_asks(
    pg: PgStore, actor: str | None, old_candidate: str | None, why: str
) -> None:
    victim = _user_id(pg, "cred_victim")
    with pg.factory() as db:
        token = _signed_in(pg, db, actor).token if actor else "no-such-token"
        set_scope(db, COUNTY)
        with pytest.raises(DBAPIError, match=why):
            db.execute(
                text("SELECT procura_set_password(:u, :h, :t, :o)"),
                {"u": victim, "h": KNOWN_HASH, "t": token, "o": old_candidate},
            )
        db.rollback()
    with pytest.raises(AuthenticationError), pg.factory() as db:
        auth.login(db, Settings(home=pg.home), "cred_victim", "attacker-knows-this-1")


def test_admins_and_users_still_set_passwords_as_the_app_role(pg: PgStore) -> None:
    with pg.factory() as db:
        admin = _signed_in(pg, db, "cred_admin")
        users.add_user(db, admin, "cred_added", "first-pass-123", COUNTY, "criminal", "handler")
        db.commit()
    with pg.factory() as db:
        added = _signed_in(pg, db, "cred_added", "first-pass-123")
        auth.change_password(db, added, "first-pass-123", "second-pass-456")
        db.commit()
    with pytest.raises(AuthenticationError), pg.factory() as db:
        auth.login(db, Settings(home=pg.home), "cred_added", "first-pass-123")
    with pg.factory() as db:
        admin = _signed_in(pg, db, "cred_admin")
        users.reset_password(db, admin, "cred_added", "third-pass-789")
        db.commit()
    with pg.factory() as db:
        assert _signed_in(pg, db, "cred_added", "third-pass-789").username == "cred_added"
    with pg.system() as db:
        stored = db.execute(
            text("SELECT password_hash FROM users WHERE username = 'cred_added'")
        ).scalar_one()
    assert auth.check_password(stored, "third-pass-789")


def test_a_row_the_app_role_inserts_cannot_be_signed_in_to(pg: PgStore) -> None:
    with pg.factory() as db:
        set_scope(db, COUNTY)
        db.execute(
            text(
                "INSERT INTO users (username, display_name, office_id, department, role, active, "
                "failed_logins, created_at) VALUES ('squatter', '', :o, 'criminal', 'admin', true, 0, now())"
            ),
            {"o": COUNTY},
        )
        db.commit()
    with pg.system() as db:
        stored = db.execute(text("SELECT password_hash FROM users WHERE username = 'squatter'")).scalar_one()
    assert stored == "!"
    for attempt in ("!", "", PASSWORD):
        with pytest.raises(AuthenticationError), pg.factory() as db:
            auth.login(db, Settings(home=pg.home), "squatter", attempt)
