"""Classes of leads and one measure for a class, through the real workflow service (SQLite store)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.classes.service import class_measure, class_response, list_classes
from procura.config import Settings
from procura.db import session_scope
from procura.errors import InvalidTransition
from procura.leads.orm import Lead
from procura.migrations import open_store
from procura.workflow import service
from procura.workflow.orm import LeadLink, Measure

sys.path.insert(0, str(Path(__file__).parents[1] / "similar"))
from class_leads import add_lead
from similar_world import FAMILY, add_reports

OFFICE = "330106-county"


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path / "ws").ensure()
    add_reports(settings, FAMILY, "b1")
    sessions = open_store(settings)
    with session_scope(sessions) as session:
        add_user(session, SYSTEM, "h1", "correct-horse-9", OFFICE, "criminal", "handler")
        for n, record in enumerate(["PR-A1", "PR-A2", "PR-A3"], start=1):
            add_lead(session, f"L-K{n}", record)
        add_lead(session, "L-K4", "PR-C1", "330212")
    return settings, sessions


def test_leads_grouped_by_body_and_one_measure_for_the_class(store) -> None:  # type: ignore[no-untyped-def]
    settings, sessions = store
    with session_scope(sessions) as session:
        classes = list_classes(session, settings, SYSTEM, grouping="body")
        assert [(c.key, c.members) for c in classes] == [("西湖区公安分局", ["L-K1", "L-K2", "L-K3"])]
        cid = classes[0].id
        with pytest.raises(InvalidTransition, match="not ready"):
            class_measure(session, settings, SYSTEM, cid)
    with session_scope(sessions) as session:
        for lead_id in ("L-K1", "L-K2", "L-K3"):
            service.triage(session, SYSTEM, lead_id, "accept")
            service.assign(session, SYSTEM, lead_id, "h1")
        done = class_measure(session, settings, SYSTEM, cid, requested="请依法立案")
        assert done.states == {"awaiting_response": 3}
        measures = session.scalars(select(Measure).order_by(Measure.lead_id)).all()
        assert [m.lead_id for m in measures] == ["L-K1", "L-K2", "L-K3"]
        assert {m.addressee for m in measures} == {"西湖区公安分局"}
        assert all("L-K1、L-K2、L-K3" in m.requested and "请依法立案" in m.requested for m in measures)
        assert session.scalar(select(func.count()).select_from(LeadLink).where(LeadLink.kind == "class")) == 2
    with session_scope(sessions) as session:
        closed = class_response(session, settings, SYSTEM, cid, rectified=True)
        assert closed.states == {"closed": 3}
        other = session.get(Lead, "L-K4")
        assert other is not None and other.status == "new"


def test_grouping_by_region_and_bad_grouping(store) -> None:  # type: ignore[no-untyped-def]
    settings, sessions = store
    with session_scope(sessions) as session:
        by_region = list_classes(session, settings, SYSTEM, grouping="region", min_size=1)
        assert sorted((c.key, len(c.members)) for c in by_region) == [("330106", 3), ("330212", 1)]
        with pytest.raises(Exception, match="grouping"):
            list_classes(session, settings, SYSTEM, grouping="colour")
