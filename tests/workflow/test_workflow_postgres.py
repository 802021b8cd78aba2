"""The workflow on PostgreSQL as a non-owner role, with row-level security."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from ops_fixtures import PASSWORD, PgStore, make_lead, make_user, postgres_database
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from procura.access import audit, auth, users
from procura.access.principal import Principal
from procura.access.rls import SCOPED_TABLES, apply_scope
from procura.cli import app
from procura.config import Settings
from procura.db import system_scope
from procura.errors import AuthenticationError, Forbidden, NotFound
from procura.leads.orm import ModelRun, ShadowLead
from procura.migrations import head_revision, load_metadata
from procura.workflow import queries, service

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgStore]:
    with postgres_database(Settings(home=tmp_path_factory.mktemp("pg"))) as store:
        yield store


@pytest.fixture(scope="module")
def people(pg: PgStore) -> dict[str, Principal]:
    with pg.system() as db:  # the operator adds users, a model run writes leads (ADR 0570)
        out = {
            "chief": make_user(db, "pg_chief", "330110-county", "criminal", "chief"),
            "handler": make_user(db, "pg_handler", "330110-county", "criminal", "handler"),
            "sibling": make_user(db, "pg_sibling", "330106-county", "criminal", "chief"),
            "sib_handler": make_user(db, "pg_sib_handler", "330106-county", "criminal", "handler"),
            "city": make_user(db, "pg_city", "330100-city", "criminal", "chief"),
        }
        system_scope(db)
        for lead_id, office in (("P-1", "330110-county"), ("P-2", "330106-county"), ("P-3", "330110-county")):
            make_lead(db, lead_id, office=office)
        db.commit()
    return out


def test_migrations_match_the_orm_on_postgres(pg: PgStore) -> None:
    engine = create_engine(pg.owner_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_metadata()
        )
    engine.dispose()
    assert diff == []


def test_every_scoped_table_has_a_forced_policy(pg: PgStore) -> None:
    engine = create_engine(pg.owner_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
                "FROM pg_class c WHERE c.relname = ANY(:names) AND c.relkind = 'r'"
            ),
            {"names": list(SCOPED_TABLES)},
        ).all()
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": pg.app_role}
        ).one()
    engine.dispose()
    assert {r[0] for r in rows} == set(SCOPED_TABLES)
    assert all(r[1] and r[2] and r[3] == 4 for r in rows), rows
    assert tuple(role) == (False, False)


def test_row_security_hides_other_jurisdictions_even_from_raw_sql(
    pg: PgStore, people: dict[str, Principal]
) -> None:
    with pg.factory() as db:
        assert db.execute(text("SELECT id FROM leads")).all() == []  # no scope set: nothing
        apply_scope(db, people["sibling"])
        assert [r[0] for r in db.execute(text("SELECT id FROM leads ORDER BY id"))] == ["P-2"]
        db.rollback()
        apply_scope(db, people["city"])
        assert [r[0] for r in db.execute(text("SELECT id FROM leads ORDER BY id"))] == ["P-1", "P-2", "P-3"]
        db.rollback()
        apply_scope(db, people["chief"])
        assert db.execute(text("UPDATE leads SET score = 0 WHERE id = 'P-2'")).rowcount == 0  # type: ignore[attr-defined]
        db.rollback()


def test_the_whole_workflow_runs_as_the_app_role(pg: PgStore, people: dict[str, Principal]) -> None:
    settings = Settings()
    with pg.factory() as db:
        token = auth.login(db, settings, "pg_handler", PASSWORD, "10.1.1.1")
        db.commit()
        handler = auth.authenticate(db, settings, token)
        assert handler.user_id == people["handler"].user_id and handler.ip == "10.1.1.1"
        chief = people["chief"]
        service.triage(db, handler, "P-1", "accept")
        service.assign(db, chief, "P-1", "pg_handler")
        service.act(db, settings, handler, "P-1", "procuratorial_suggestion")
        service.respond(db, handler, "P-1", True, "fixed")
        service.close(db, handler, "P-1")
        db.commit()
        assert [e.action for e in queries.history(db, chief, "P-1")] == [
            "accept",
            "assign",
            "act",
            "respond_rectified",
            "close",
        ]
        with pytest.raises(NotFound):
            queries.get_lead(db, people["sibling"], "P-1")
        service.escalate(db, chief, "P-3")
        db.commit()
        assert queries.get_lead(db, people["city"], "P-3").summary.status == "escalated"
        # The escalating office keeps reading it under row security (ADR 0524); a sibling does not.
        assert queries.get_lead(db, chief, "P-3").summary.office == "330100-city"
        with pytest.raises(NotFound):
            queries.get_lead(db, people["sibling"], "P-3")
        db.commit()
        assert audit.verify(db).ok


def test_the_app_role_cannot_rewrite_the_audit_log(pg: PgStore, people: dict[str, Principal]) -> None:
    with pg.factory() as db:
        audit.record(db, people["chief"], "lead.read", "lead", "P-1")
        db.commit()
        with pytest.raises(DBAPIError):
            db.execute(text("UPDATE audit_log SET purpose = 'x'"))
        db.rollback()


def test_tampering_by_the_owner_is_detected(pg: PgStore, people: dict[str, Principal]) -> None:
    with pg.factory() as db:
        for n in range(3):
            audit.record(db, people["chief"], "lead.read", "lead", f"T-{n}")
        db.commit()
        first = audit.verify(db).entries - 2
    engine = create_engine(pg.owner_url)

    def set_object(value: str) -> None:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text("UPDATE audit_log SET object_id = :v WHERE seq = :s"), {"v": value, "s": first})
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))

    set_object("T-9")
    with pg.factory() as db:
        report = audit.verify(db)
    assert not report.ok and report.first_bad_seq == first
    set_object("T-0")  # put it back: the chain verifies again (and later tests share this database)
    with pg.factory() as db:
        assert audit.verify(db).ok
    engine.dispose()


def test_handovers_work_under_row_security(pg: PgStore, people: dict[str, Principal]) -> None:
    settings = Settings()
    with pg.system() as db:
        system_scope(db)
        for lead_id in ("H-1", "H-2", "H-3"):
            make_lead(db, lead_id, office="330110-county", status="accepted")
        db.commit()
    with pg.factory() as db:
        chief, city, sibling = people["chief"], people["city"], people["sibling"]
        child = service.spawn(db, chief, "H-1", "public_interest")
        db.commit()
        assert queries.get_lead(db, chief, "H-1").links[0]["lead_id"] == child.id
        # Sideways out of the county's jurisdiction a lead goes only by escalation and designation.
        with pytest.raises(Forbidden):
            service.transfer(db, chief, "H-2", office="330106-county")
        db.rollback()
        service.transfer(db, chief, "H-2", department="public_interest")
        db.commit()
        service.escalate(db, chief, "H-3")
        db.commit()
        service.designate(db, city, "H-3", "330106-county")
        db.commit()
        service.triage(db, sibling, "H-3", "accept")
        service.assign(db, sibling, "H-3", "pg_sib_handler")
        measure = service.act(db, settings, people["sib_handler"], "H-3", "procuratorial_suggestion")
        db.commit()
        assert measure.deadline is not None
        assert [e.action for e in queries.history(db, sibling, "H-3")] == [
            "escalate",
            "designate",
            "accept",
            "assign",
            "act",
        ]


def test_the_cli_on_postgres(pg: PgStore) -> None:
    runner = CliRunner()

    def run(url: str, *args: str, code: int = 0) -> str:
        env = {"PROCURA_DATABASE_URL": url}
        result = runner.invoke(app, ["--workspace", str(pg.home), *args], env=env)
        assert result.exit_code == code, result.output
        return result.output

    assert head_revision() in run(pg.owner_url, "db", "current")
    assert pg.app_role in run(pg.owner_url, "db", "grant", pg.app_role)
    assert "bad role" in run(pg.owner_url, "db", "grant", "x; drop table leads", code=1)
    run(
        pg.app_url,
        "users",
        "add",
        "pg_root",
        "--office",
        "330000-province",
        "--role",
        "admin",
        "--password",
        "rootpassword",
        code=2,
    )  # users exist already: sign in first
    run(pg.app_url, "login", "-u", "pg_chief", "--password", PASSWORD)
    assert "P-1" in run(pg.app_url, "lead", "queue")
    assert "P-2" not in run(pg.app_url, "lead", "queue")


def test_concurrent_audit_appends_keep_one_chain(pg: PgStore, people: dict[str, Principal]) -> None:
    def append(n: int) -> None:
        for i in range(15):
            with pg.factory() as db:
                audit.record(db, people["chief"], "lead.read", "lead", f"C-{n}-{i}")
                db.commit()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with pg.factory() as db:
        report = audit.verify(db)
        seqs = [e.seq for e in audit.list_entries(db, limit=1000)[0]]
    assert report.ok, report.problems
    assert sorted(seqs) == list(range(1, len(seqs) + 1))


@pytest.mark.parametrize("required", [False, True])
def test_an_unreachable_server_skips_or_fails(required: bool) -> None:
    settings = Settings(
        postgres_admin_url="postgresql+psycopg://postgres@127.0.0.1:1/postgres", require_postgres=required
    )
    expected = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(expected, match=r"127\.0\.0\.1:1"), postgres_database(settings):
        pass


def test_lockout_expiry_and_disable_on_postgres(pg: PgStore, people: dict[str, Principal]) -> None:
    settings = Settings()
    t0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    with pg.system() as db:
        make_user(db, "pg_locked", "330110-county")
        admin = make_user(db, "pg_admin", "330000-province", role="admin")
        db.commit()
    with pg.factory() as db:
        for n in range(settings.lockout_failures):
            with pytest.raises(AuthenticationError):
                auth.login(db, settings, "pg_locked", "wrong", now=t0 + timedelta(seconds=n))
            db.rollback()  # the failure was committed by login itself
        with pytest.raises(AuthenticationError, match="locked"):
            auth.login(db, settings, "pg_locked", PASSWORD, now=t0 + timedelta(minutes=1))
        later = t0 + timedelta(minutes=settings.lockout_minutes + 1)
        token = auth.login(db, settings, "pg_locked", PASSWORD, now=later)
        db.commit()
        with pytest.raises(AuthenticationError, match="idle"):
            auth.authenticate(
                db, settings, token, now=later + timedelta(minutes=settings.session_idle_minutes + 1)
            )
        token = auth.login(db, settings, "pg_locked", PASSWORD, now=later)
        users.set_active(db, admin, "pg_locked", False)
        db.commit()
        with pytest.raises(AuthenticationError):
            auth.authenticate(db, settings, token, now=later)


def test_shadow_leads_are_scoped_by_their_office(pg: PgStore, people: dict[str, Principal]) -> None:
    with pg.system() as db:
        system_scope(db)
        run = ModelRun(model_id="m", model_version="2", engine="duckdb", as_of=date(2026, 6, 30), params={})
        db.add(run)
        db.flush()
        db.add(
            ShadowLead(
                run_id=run.id,
                model_id="m",
                model_version="2",
                fingerprint="fp-s",
                record={"office": "330106-county", "subject": {"name": "张三"}},
            )
        )
        db.commit()
    with pg.factory() as db:
        counts = {}
        for name in ("chief", "sibling", "city"):
            apply_scope(db, people[name])
            counts[name] = db.execute(text("SELECT count(*) FROM shadow_leads")).scalar_one()
            db.rollback()
    assert counts == {"chief": 0, "sibling": 1, "city": 1}
