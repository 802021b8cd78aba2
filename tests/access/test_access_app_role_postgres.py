"""Issue 10 item 4: row-level security holds against the app role itself (ADR 0570).

Each test connects as the application's login role (non-owner, no BYPASSRLS)
to a throwaway PostgreSQL database and tries one door with plain SQL, as an
attacker holding the app's credentials (or an SQL injection) would. Before
revision 0006 every one of these doors was open.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ops_fixtures import PASSWORD, PgStore, make_lead, make_user, postgres_database
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from procura.access import audit, auth
from procura.access.principal import Principal
from procura.config import Settings
from procura.db import set_scope, system_scope
from procura.errors import AuthenticationError

pytestmark = pytest.mark.postgres

COUNTY, SIBLING, CITY = "330110-county", "330106-county", "330100-city"


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgStore]:
    with postgres_database(Settings(home=tmp_path_factory.mktemp("pg-doors"))) as store:
        with store.system() as db:
            people = {
                "county": make_user(db, "door_county", COUNTY, role="chief"),
                "sibling": make_user(db, "door_sibling", SIBLING, role="chief"),
                "city": make_user(db, "door_city", CITY, role="chief"),
            }
            system_scope(db)
            make_lead(db, "D-OWN", office=COUNTY)
            make_lead(db, "D-OTHER", office=SIBLING)
            audit.record(db, people["county"], "lead.read", "lead", "D-OWN")
            db.commit()
        yield store


def _as_county(db: Session) -> None:
    set_scope(db, COUNTY)


def test_the_app_role_setting_system_scope_sees_no_other_office(pg: PgStore) -> None:
    with pg.factory() as db:
        _as_county(db)
        db.execute(text("SELECT set_config('procura.system', 'on', true)"))
        assert [r[0] for r in db.execute(text("SELECT id FROM leads ORDER BY id"))] == ["D-OWN"]
        assert db.execute(text("SELECT procura_is_system()")).scalar_one() is False
        # Nor can it change another office's lead that way.
        changed = db.execute(text("UPDATE leads SET score = 0 WHERE id = 'D-OTHER'"))
        assert changed.rowcount == 0  # type: ignore[attr-defined]
        db.rollback()
        # A session-wide setting (not transaction-local) opens nothing either.
        db.execute(text("SET procura.system = 'on'"))
        db.execute(text("SELECT set_config('procura.office_id', '', true)"))
        assert db.execute(text("SELECT count(*) FROM leads")).scalar_one() == 0
        db.execute(text("RESET procura.system"))
        db.rollback()


def test_the_system_role_still_sees_every_office(pg: PgStore) -> None:
    with pg.system() as db:
        system_scope(db)
        assert db.execute(text("SELECT procura_is_system()")).scalar_one() is True
        assert [r[0] for r in db.execute(text("SELECT id FROM leads ORDER BY id"))] == ["D-OTHER", "D-OWN"]


def test_the_app_role_cannot_select_password_hashes(pg: PgStore) -> None:
    with pg.factory() as db:
        _as_county(db)
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(text("SELECT password_hash FROM users"))
        db.rollback()
        _as_county(db)
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(text("SELECT * FROM users"))
        db.rollback()
        _as_county(db)
        # Nor copy it into a readable column.
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(text("UPDATE users SET display_name = password_hash"))
        db.rollback()
        # The definer function gives the parameters and salt, never the digest.
        _as_county(db)
        prefix, digest_chars = db.execute(
            text(
                "SELECT * FROM procura_password_params((SELECT id FROM users WHERE username = 'door_county'))"
            )
        ).one()
        assert prefix.startswith("$argon2") and prefix.count("$") == 4 and digest_chars > 20
        db.rollback()


def test_sign_in_still_checks_passwords_as_the_app_role(pg: PgStore) -> None:
    settings = Settings()
    with pg.factory() as db:
        token = auth.login(db, settings, "door_county", PASSWORD, "10.9.9.9")
        db.commit()
        assert auth.authenticate(db, settings, token).username == "door_county"
        db.commit()
        with pytest.raises(AuthenticationError):
            auth.login(db, settings, "door_county", PASSWORD + "x", "10.9.9.9")
        db.rollback()


def test_the_app_role_cannot_update_or_delete_the_audit_chain_head(pg: PgStore) -> None:
    with pg.factory() as db:
        for statement in (
            f"UPDATE audit_head SET seq = 0, hash = '{'0' * 64}'",
            "UPDATE audit_head SET hash = 'forged'",
            "UPDATE audit_head SET seq = seq + 1",
            "DELETE FROM audit_head",
            "TRUNCATE audit_head",
        ):
            with pytest.raises(DBAPIError):
                db.execute(text(statement))
            db.rollback()
        head = db.execute(text("SELECT seq FROM audit_head")).scalar_one()
        assert head >= 1
        # Appending still moves the head, forward and only to an entry that exists.
        audit.record(db, None, "door.check", "audit", "head")
        db.commit()
        assert db.execute(text("SELECT seq FROM audit_head")).scalar_one() == head + 1
        assert audit.verify(db).ok


def test_the_audit_log_is_insert_only_for_the_app_role(pg: PgStore) -> None:
    with pg.factory() as db:
        for statement in (
            "UPDATE audit_log SET purpose = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(DBAPIError):
                db.execute(text(statement))
            db.rollback()
    # Beneath the privileges and triggers, row security: no UPDATE or DELETE policy exists at all.
    with pg.system() as db:
        forced, policies = db.execute(
            text(
                "SELECT c.relforcerowsecurity, array(SELECT p.polcmd::text FROM pg_policy p "
                "WHERE p.polrelid = c.oid ORDER BY 1) FROM pg_class c WHERE c.relname = 'audit_log'"
            )
        ).one()
    assert forced is True and sorted(policies) == ["a", "r"]  # INSERT, SELECT


def test_the_app_role_cannot_read_users_of_another_office(pg: PgStore) -> None:
    with pg.factory() as db:
        _as_county(db)
        names = [r[0] for r in db.execute(text("SELECT username FROM users ORDER BY username"))]
        assert names == ["door_city", "door_county"]  # its own office and the city above it
        db.rollback()
        set_scope(db, SIBLING)
        assert db.execute(text("SELECT count(*) FROM users WHERE username = 'door_county'")).scalar_one() == 0
        db.rollback()
        db.execute(text("SELECT set_config('procura.system', 'on', true)"))
        assert db.execute(text("SELECT count(*) FROM users")).scalar_one() == 0  # no scope: nothing
        db.rollback()


def test_the_app_role_cannot_add_a_user_in_another_office(pg: PgStore) -> None:
    with pg.factory() as db:
        _as_county(db)
        with pytest.raises(DBAPIError, match="row-level security"):
            db.execute(
                text(
                    "INSERT INTO users (username, display_name, office_id, department, role, "
                    "active, failed_logins, created_at) VALUES ('intruder', '', :office, 'criminal', "
                    "'chief', true, 0, now())"
                ),
                {"office": SIBLING},
            )
        db.rollback()


def test_the_store_is_not_empty_to_an_unscoped_app_role(pg: PgStore) -> None:
    """The first-admin door (``users add`` without sign-in) must count every office's users."""
    from procura.access.users import user_count

    with pg.factory() as db:
        assert user_count(db) >= 3
        db.rollback()


def test_users_of_other_offices_are_still_counted_by_people_who_may(pg: PgStore) -> None:
    people: dict[str, Principal] = {}
    with pg.factory() as db:
        set_scope(db, CITY)
        people = {r[0]: r[1] for r in db.execute(text("SELECT username, office_id FROM users"))}
        db.rollback()
    assert people == {"door_county": COUNTY, "door_sibling": SIBLING, "door_city": CITY}


def test_unattended_jobs_take_system_scope_through_the_system_url(pg: PgStore) -> None:
    from procura.db import session_scope
    from procura.migrations import open_store, open_system_store

    settings = Settings(home=pg.home, database_url=pg.app_url, system_database_url=pg.owner_url)
    with session_scope(open_system_store(settings)) as db:
        system_scope(db)
        assert db.execute(text("SELECT count(*) FROM leads")).scalar_one() == 2
    with session_scope(open_store(settings)) as db:
        system_scope(db)  # the app role's system scope opens nothing
        assert db.execute(text("SELECT count(*) FROM leads")).scalar_one() == 0


def test_the_operator_adds_a_chief_through_the_system_url_only(pg: PgStore) -> None:
    from typer.testing import CliRunner

    from procura.cli import app

    args = ["--workspace", str(pg.home), "users", "add", "door_op_chief", "--office", COUNTY]
    args += ["--role", "chief", "--password", "chief-pass-1", "--system"]
    as_app = CliRunner().invoke(app, args, env={"PROCURA_DATABASE_URL": pg.app_url})
    assert as_app.exit_code == 1 and "row-level security" in as_app.output
    env = {"PROCURA_DATABASE_URL": pg.app_url, "PROCURA_SYSTEM_DATABASE_URL": pg.owner_url}
    as_system = CliRunner().invoke(app, args, env=env)
    assert as_system.exit_code == 0, as_system.output
