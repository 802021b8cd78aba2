"""The handling office kept on the lead by the database (migration 0011, ADR 0567).

Escalation, designation, transfer and a raw change of the workflow row all move
``leads.handling_office`` with them, on SQLite and on PostgreSQL as the app role
under row security; the queue of each office follows; a lead stored or moved by a
model run without a workflow row takes its own office; an upgrade back-fills it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ops_fixtures import make_lead, make_user, migrated_template, postgres_database, sqlite_store
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from procura.clock import utcnow
from procura.config import Settings
from procura.db import make_engine, system_scope
from procura.leads.orm import Lead
from procura.migrations import downgrade, upgrade
from procura.workflow import queries, service
from procura.workflow.orm import LeadWork
from procura.workflow.queries import LeadFilter


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[sessionmaker[Session], sessionmaker[Session]]]:
    """(application sessions, system sessions): the app role and the owner on PostgreSQL."""
    settings = Settings(home=tmp_path_factory.mktemp(f"handling-{request.param}"))
    if request.param == "sqlite":
        factory = sqlite_store(migrated_template(tmp_path_factory.mktemp("tpl")), settings)
        yield factory, factory
        return
    with postgres_database(settings) as pg:
        yield pg.factory, pg.system


def _handling(system: sessionmaker[Session]) -> dict[str, tuple[str, str | None]]:
    """Each lead's (stored handling office, workflow row's office or None)."""
    with system() as session:
        system_scope(session)
        work = {w.lead_id: w.office_id for w in session.scalars(select(LeadWork))}
        return {lead.id: (lead.handling_office, work.get(lead.id)) for lead in session.scalars(select(Lead))}


def test_the_handling_office_follows_every_move(
    stores: tuple[sessionmaker[Session], sessionmaker[Session]],
) -> None:
    app, system = stores
    with system() as owner:
        system_scope(owner)
        county = make_user(owner, "ho_chief", "330110-county", "criminal", "chief")
        city = make_user(owner, "ho_city", "330100-city", "criminal", "chief")
        sibling = make_user(owner, "ho_sibling", "330106-county", "criminal", "department_head")
        make_lead(owner, "H-1", office="330110-county", status="accepted")
        make_lead(owner, "H-2", office="330110-county")
        owner.commit()
    assert _handling(system) == {"H-1": ("330110-county", None), "H-2": ("330110-county", None)}

    with app() as db:
        service.escalate(db, county, "H-1")
        db.commit()
    assert _handling(system)["H-1"] == ("330100-city", "330100-city")
    with app() as db:
        service.designate(db, city, "H-1", "330106-county")
        db.commit()
    assert _handling(system)["H-1"] == ("330106-county", "330106-county")
    with app() as db:
        # The queues follow: the sibling county lists it, the county that escalated it does not.
        assert "H-1" in {i.id for i in queries.list_leads(db, sibling, LeadFilter(), limit=50).items}
        assert "H-1" not in {i.id for i in queries.list_leads(db, county, LeadFilter(), limit=50).items}
        assert {i.id for i in queries.list_leads(db, city, LeadFilter(), limit=50).items} == {"H-1", "H-2"}
        db.commit()

    with system() as owner:
        system_scope(owner)
        # A raw change of the workflow row (any code path) moves it too ...
        owner.execute(update(LeadWork).where(LeadWork.lead_id == "H-1").values(office_id="330102-county"))
        # ... and a model run moving a lead that has no workflow row moves it with the lead.
        owner.execute(text("UPDATE leads SET office = '330106-county' WHERE id = 'H-2'"))
        owner.commit()
    assert _handling(system) == {"H-1": ("330102-county", "330102-county"), "H-2": ("330106-county", None)}
    with system() as owner:
        system_scope(owner)
        # Once a lead has a workflow row, the model's office no longer decides where it is handled.
        owner.execute(text("UPDATE leads SET office = '330110-county' WHERE id = 'H-1'"))
        owner.commit()
    assert _handling(system)["H-1"] == ("330102-county", "330102-county")


def test_the_upgrade_back_fills_the_handling_office(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    upgrade(engine)
    with sessionmaker(engine)() as session:
        make_lead(session, "B-1", office="330110-county")
        make_lead(session, "B-2", office="330110-county")
        session.add(
            LeadWork(lead_id="B-2", office_id="330110-county", department="criminal", updated_at=utcnow())
        )
        session.commit()
    downgrade(engine, "0010")
    with engine.begin() as conn:  # moved before the column existed: no trigger saw it
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(leads)"))}
        conn.execute(text("UPDATE lead_work SET office_id = '330106-county' WHERE lead_id = 'B-2'"))
    assert "handling_office" not in columns
    upgrade(engine)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, handling_office FROM leads ORDER BY id")).all())
    assert rows == {"B-1": "330110-county", "B-2": "330106-county"}
    engine.dispose()
