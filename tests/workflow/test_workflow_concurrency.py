"""Concurrency of the operational store (ADR 0560): first reads race, the pool never overflows."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from ops_fixtures import PgStore, make_lead, make_user, postgres_database
from sqlalchemy import func, select

from procura.access.principal import Principal
from procura.config import Settings
from procura.db import make_engine, system_scope
from procura.workflow.orm import LeadWork
from procura.workflow.queries import get_lead


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgStore]:
    with postgres_database(Settings(home=tmp_path_factory.mktemp("pg"))) as store:
        yield store


@pytest.mark.postgres
def test_two_first_reads_of_a_lead_do_not_collide(pg: PgStore) -> None:
    """Before: the second reader's INSERT of the workflow row failed (IntegrityError → 500)."""
    with pg.system() as db:  # set-up as the operator and a model run (ADR 0570)
        chief: Principal = make_user(db, "race_chief", "330110-county", "criminal", "chief")
        system_scope(db)
        make_lead(db, "RACE-1", office="330110-county")
        db.commit()
    first, second = pg.factory(), pg.factory()
    errors: list[BaseException] = []
    get_lead(first, chief, "RACE-1")  # inserted, not yet committed: the second reader must wait

    def other() -> None:
        try:
            get_lead(second, chief, "RACE-1")
            second.commit()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the second first-read should wait on the first one's row"
    first.commit()
    thread.join(timeout=30)
    first.close()
    second.close()
    assert errors == []
    with pg.system() as db:
        system_scope(db)
        assert db.scalar(select(func.count()).select_from(LeadWork).where(LeadWork.lead_id == "RACE-1")) == 1


def test_the_pool_is_fixed_at_the_configured_size(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=7)
    assert engine.pool.size() == 7  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    engine.dispose()
