"""The API tests' world: a migrated store, users across offices, tokens, lead factory."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from procura.access.principal import ROLES, SYSTEM
from procura.access.users import add_user
from procura.api import create_app
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.leads.orm import Lead
from procura.migrations import open_store
from procura.workflow import service
from procura.workflow.scope import work_of

PASSWORD = "correct-horse-9"
LEAD_OFFICE = "330100-city"
# Where a user sits relative to the office handling the lead.
RELATIONS = {
    "own": ("330100-city", "criminal"),
    "own_other_dept": ("330100-city", "civil"),
    "child": ("330106-county", "criminal"),
    "sibling": ("330200-city", "criminal"),
    "parent": ("330000-province", "criminal"),
}
VICTIM_ID = "330106201203150021"
_counter = itertools.count(1)


@dataclass
class World:
    """The shared store: settings, sessions, a client and a token per user."""

    settings: Settings
    sessions: sessionmaker[Session]
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    # Set-up done as the system (a model run): on PostgreSQL the owner's connection, since
    # the app role cannot take system scope (ADR 0570). The same sessions on SQLite.
    system_sessions: sessionmaker[Session] | None = None

    @property
    def system(self) -> sessionmaker[Session]:
        return self.system_sessions or self.sessions

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def lead(
        self,
        state: str = "new",
        office: str = LEAD_OFFICE,
        model_id: str = "unfiled-online-defamation",
        measure: str = "case_filing_notice",
        handler: str = "handler_own",
    ) -> str:
        """A fresh lead in ``office`` (criminal department), moved by the system to ``state``."""
        number = next(_counter)
        with session_scope(self.system) as session:
            system_scope(session)
            lead = Lead(
                id=f"L-T{number:05d}",
                fingerprint=f"{number:064d}",
                model_id=model_id,
                model_version="1",
                params={"min_views": 5000},
                anchor=[{"table": "police_reports", "key": {"report_id": f"PR-T{number}"}}],
                evidence=[{"table": "police_reports", "key": {"report_id": "PR-1"}}],
                subject={"kind": "person", "entity_id": "P-1", "name": "王小明", "id_no": VICTIM_ID},
                target="杭州市公安局西湖区分局",
                region_code=office[:6],
                office=office,
                prong="criminal",
                measure=measure,
                score=0.9,
                explanation_zh=f"被害人王小明（{VICTIM_ID}）的报案未立案",
                explanation_en="A report was not filed",
                details={},
                status="new",
            )
            session.add(lead)
            session.flush()
            work_of(session, lead)
            steps = {
                "accepted": ["accept"],
                "investigating": ["accept", "assign"],
                "awaiting_response": ["accept", "assign", "act"],
                "rectified": ["accept", "assign", "act", "rectified"],
            }.get(state, [])
            for step in steps:
                if step == "accept":
                    service.triage(session, SYSTEM, lead.id, "accept")
                elif step == "assign":
                    service.assign(session, SYSTEM, lead.id, handler)
                elif step == "act":
                    service.act(session, self.settings, SYSTEM, lead.id, measure)
                else:
                    service.respond(session, SYSTEM, lead.id, rectified=True)
            return lead.id

    def call(self, method: str, path: str, user: str | None, **kwargs: Any) -> Any:
        headers = self.headers(user) if user else {}
        return self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)


def username(role: str, relation: str) -> str:
    return f"{role}_{relation}"


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        """CREATE TABLE police_reports(report_id VARCHAR, region_code VARCHAR, police_unit VARCHAR,
        received_at DATE, offense_type VARCHAR, victim_name VARCHAR, victim_id_no VARCHAR,
        victim_birth_date DATE, suspect_name VARCHAR, description VARCHAR, views_count BIGINT,
        reposts_count BIGINT, filed BOOLEAN, _batch_id VARCHAR)"""
    )
    con.execute(
        "INSERT INTO police_reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            "PR-1",
            "330106",
            "西湖分局",
            date(2026, 3, 1),
            "online_defamation",
            "王小明",
            VICTIM_ID,
            date(2012, 3, 15),
            "李四",
            f"身份证{VICTIM_ID} <b>&</b> {{{{ x }}}}",
            12000,
            800,
            False,
            "b1",
        ],
    )
    con.close()


def build_world(
    settings: Settings,
    sessions: sessionmaker[Session] | None = None,
    system_sessions: sessionmaker[Session] | None = None,
) -> World:
    """A store (migrated SQLite unless given), one user per role and office relation, each signed in."""
    settings.ensure()
    _warehouse(settings.warehouse_path)
    sessions = sessions or open_store(settings)
    with session_scope(system_sessions or sessions) as session:
        system_scope(session)
        for role in ROLES:
            for relation, (office, department) in RELATIONS.items():
                add_user(session, SYSTEM, username(role, relation), PASSWORD, office, department, role)
        add_user(session, SYSTEM, "target_user", PASSWORD, LEAD_OFFICE, "criminal", "handler")
    world = World(
        settings, sessions, TestClient(create_app(settings, sessions)), system_sessions=system_sessions
    )
    for role in ROLES:
        for relation in RELATIONS:
            name = username(role, relation)
            response = world.call("POST", "/auth/login", None, json={"username": name, "password": PASSWORD})
            assert response.status_code == 200, response.text
            world.tokens[name] = response.json()["access_token"]
    return world
