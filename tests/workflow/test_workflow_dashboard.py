"""The dashboard's aggregates: scoped to the jurisdiction, the same on SQLite and PostgreSQL, and each
bucket's queue filter lists exactly the leads it counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from ops_fixtures import make_lead, make_user, postgres_database
from sqlalchemy.orm import Session, sessionmaker

from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.workflow import dashboard, service
from procura.workflow.queries import LeadFilter, list_leads


def _world(factory: sessionmaker[Session], settings: Settings) -> dict[str, object]:
    with session_scope(factory) as session:
        system_scope(session)
        users = {
            "chief": make_user(session, "d_chief", "330110-county", role="chief"),
            "handler": make_user(session, "d_handler", "330110-county"),
            "sibling": make_user(session, "d_sibling", "330106-county", role="chief"),
            "city": make_user(session, "d_city", "330100-city", role="chief"),
        }
        # 23:30 UTC on 31 May is 07:30 on 1 June in Beijing: a June lead.
        make_lead(session, "L-D1", created_at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
        make_lead(session, "L-D2", created_at=datetime(2026, 5, 10, 3, 0, tzinfo=UTC), score=0.4)
        make_lead(session, "L-D3", office="330106-county", created_at=datetime(2026, 6, 2, tzinfo=UTC))
        service.triage(session, SYSTEM, "L-D1", "accept")
        service.assign(session, SYSTEM, "L-D1", "d_handler")
        service.act(
            session, settings, SYSTEM, "L-D1", "case_filing_notice", deadline=date.today() + timedelta(days=1)
        )
    return users


def _check(
    factory: sessionmaker[Session], settings: Settings, setup: sessionmaker[Session] | None = None
) -> None:
    users = _world(setup or factory, settings)
    with session_scope(factory) as session:
        chief = users["chief"]
        months = {b.key: b.leads for b in dashboard.leads_by(session, chief, "month")}  # type: ignore[arg-type]
        assert months == {"2026-05": 1, "2026-06": 1}
        funnel = {b.key: b.leads for b in dashboard.funnel(session, chief)}  # type: ignore[arg-type]
        assert funnel == {"lead": 2, "accepted": 1, "measure": 1, "response": 0, "rectified": 0, "closed": 0}
        for bucket in dashboard.leads_by(session, chief, "month") + dashboard.funnel(session, chief):  # type: ignore[arg-type]
            page = list_leads(session, chief, LeadFilter(**bucket.filter))  # type: ignore[arg-type]
            assert page.total == bucket.leads, bucket
        tree = dashboard.region_tree(session, users["city"])  # type: ignore[arg-type]
        assert [(p.name, p.leads) for p in tree] == [("浙江省", 3)]
        counties = {c.name: c.leads for c in tree[0].children[0].children}
        assert counties == {"余杭区": 2, "西湖区": 1}
        sibling = {b.key: b.leads for b in dashboard.funnel(session, users["sibling"])}  # type: ignore[arg-type]
        assert sibling["lead"] == 1 and sibling["measure"] == 0
        assert (
            dashboard.overdue_measures(session, chief, today=date.today() + timedelta(days=5))[0].lead_id
            == "L-D1"
        )  # type: ignore[arg-type]
        assert dashboard.overdue_measures(session, chief) == []  # type: ignore[arg-type]


def test_dashboard_on_sqlite(factory: sessionmaker[Session], settings: Settings) -> None:
    _check(factory, settings)


@pytest.mark.postgres
def test_dashboard_on_postgres_under_row_level_security(settings: Settings) -> None:
    with postgres_database(settings) as store:
        _check(store.factory, settings, store.system)  # set-up as the owner (ADR 0570)
