"""On PostgreSQL, under row security: the office that escalated a lead keeps reading its later
course — the lead, its history, the measures, documents and replies the office above (or the office
it designated) produced — but cannot act on it; other offices still see nothing (ADR 0528)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ops_fixtures import PgStore, make_lead, make_user, postgres_database
from sqlalchemy import text

from procura.access.rls import apply_scope
from procura.config import Settings
from procura.db import system_scope
from procura.documents.service import finalise, issued_documents
from procura.errors import Forbidden, NotFound
from procura.exchange import service as exchange
from procura.workflow import queries, service

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgStore]:
    with postgres_database(Settings(home=tmp_path_factory.mktemp("pg-i11"))) as store:
        yield store


def test_the_escalating_office_reads_the_later_course_under_row_security(pg: PgStore) -> None:
    settings = Settings(home=pg.home)
    with pg.system() as owner:  # set-up as a model run and the operator would do it
        system_scope(owner)
        county = make_user(owner, "esc_chief", "330110-county", "criminal", "chief")
        city = make_user(owner, "esc_city", "330100-city", "criminal", "chief")
        sibling = make_user(owner, "esc_sibling", "330106-county", "criminal", "chief")
        sib_handler = make_user(owner, "esc_sib_handler", "330106-county", "criminal", "handler")
        other = make_user(owner, "esc_other", "330102-county", "criminal", "chief")
        make_lead(owner, "E-1", office="330110-county", status="accepted")
        owner.commit()
    with pg.factory() as db:  # the application, as the app role under row security
        service.escalate(db, county, "E-1")
        db.commit()
        service.designate(db, city, "E-1", "330106-county")
        db.commit()
        service.triage(db, sibling, "E-1", "accept")
        service.assign(db, sibling, "E-1", "esc_sib_handler")
        measure = service.act(
            db, settings, sib_handler, "E-1", "case_filing_notice", findings="未立案", requested="说明理由"
        )
        db.commit()
        [doc] = finalise(db, settings, sib_handler, "E-1", measure.id)
        db.commit()

        # The county that escalated it reads the lead, its measure, history and documents.
        detail = queries.get_lead(db, county, "E-1")
        assert detail.summary.office == "330106-county"
        assert [m.id for m in detail.measures] == [measure.id]
        assert [e.action for e in queries.history(db, county, "E-1")] == [
            "escalate",
            "designate",
            "accept",
            "assign",
            "act",
        ]
        assert [d.doc_no for d in issued_documents(db, county, "E-1")] == [doc.doc_no]
        assert exchange.replies(db, county, "E-1") == []
        db.commit()

        # Row security itself lets the rows through (raw SQL in the county's scope).
        apply_scope(db, county)
        assert db.scalar(text("SELECT count(*) FROM leads WHERE id = 'E-1'")) == 1
        assert db.scalar(text("SELECT count(*) FROM measures WHERE lead_id = 'E-1'")) == 1
        assert db.scalar(text("SELECT count(*) FROM lead_events WHERE lead_id = 'E-1'")) == 5
        db.rollback()

        # It reads, but does not act; an office that never touched the lead sees nothing.
        with pytest.raises(Forbidden):
            service.act(db, settings, county, "E-1", "case_filing_notice")
        db.rollback()
        with pytest.raises(NotFound):
            queries.get_lead(db, other, "E-1")
        db.rollback()
        apply_scope(db, other)
        assert db.scalar(text("SELECT count(*) FROM leads WHERE id = 'E-1'")) == 0
        assert db.scalar(text("SELECT count(*) FROM measures WHERE lead_id = 'E-1'")) == 0
        db.rollback()


def test_existing_escalations_are_back_filled_as_readers(pg: PgStore) -> None:
    """The migration reads the escalate events into ``lead_readers`` (checked on the migrated schema)."""
    with pg.system() as db:
        system_scope(db)
        columns = db.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'lead_readers' "
                "ORDER BY ordinal_position"
            )
        ).scalars()
        assert list(columns) == ["lead_id", "office_id", "reason", "at"]
        policy = db.scalar(text("SELECT qual FROM pg_policies WHERE policyname = 'leads_select'"))
        assert "lead_readers" in str(policy)
