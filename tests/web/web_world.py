"""The workbench tests' world: a real store and warehouse, users of two sibling county offices,
their city and province, leads with personal data to mask, and a live server for the browser."""

from __future__ import annotations

import itertools
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.leads.orm import Lead
from procura.migrations import open_store
from procura.warehouse.connection import connect
from procura.web import create_app
from procura.workflow import service
from procura.workflow.scope import work_of

PASSWORD = "correct-horse-9"
OFFICE, SIBLING, CITY, PROVINCE = "330110-county", "330106-county", "330100-city", "330000-province"
USERS = {
    "handler_a": (OFFICE, "criminal", "handler"),
    "handler_b": (OFFICE, "criminal", "handler"),
    "head_crim": (OFFICE, "criminal", "department_head"),
    "chief_a": (OFFICE, "criminal", "chief"),
    "handler_civil": (OFFICE, "civil", "handler"),
    "handler_sib": (SIBLING, "criminal", "handler"),
    "chief_city": (CITY, "criminal", "chief"),
    "analyst_prov": (PROVINCE, "criminal", "analyst"),
    "auditor_prov": (PROVINCE, "criminal", "auditor"),
    "admin_prov": (PROVINCE, "criminal", "admin"),
}
VICTIM, VICTIM_ID, SUSPECT = "王小明", "330110201203150021", "李四"
_numbers = itertools.count(1)


def _warehouse(settings: Settings) -> None:
    """Two police reports naming a minor victim and a suspect, linked to entities; a batch and a
    quarantined row."""
    con = connect(settings)
    for report, views in (("PR-1", 12000), ("PR-2", 300)):
        con.execute(
            "INSERT INTO police_reports (report_id, region_code, police_unit, received_at, offense_type, "
            "victim_name, victim_id_no, victim_birth_date, suspect_name, description, views_count, "
            "reposts_count, filed, _batch_id, _source_file, _source_row) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                report,
                "330110",
                "余杭分局",
                date(2026, 3, 1),
                "online_defamation",
                VICTIM,
                VICTIM_ID,
                date(2012, 3, 15),
                SUSPECT,
                f"被害人身份证{VICTIM_ID}，网上诽谤",
                views,
                80,
                False,
                "b1",
                "police_reports.csv",
                1,
            ],
        )
    con.execute(
        "INSERT INTO _batches (batch_id, table_name, source_file, status, read, stored, updated, unchanged, "
        "quarantined, finished_at, message) VALUES ('b1', 'police_reports', 'police_reports.csv', "
        "'committed', 3, 2, 0, 0, 1, now(), '')"
    )
    con.execute(
        "INSERT INTO _quarantine (entry_id, batch_id, table_name, source_file, source_row, field, reason, "
        "value, created_at) VALUES ('q1', 'b1', 'police_reports', 'police_reports.csv', 3, 'received_at', "
        "'not a date', '2026-13-45', now())"
    )
    con.execute(
        "CREATE TABLE mentions(table_name VARCHAR, record_key VARCHAR, role VARCHAR, kind VARCHAR, "
        "entity_id VARCHAR, probability DOUBLE, rule VARCHAR)"
    )
    con.execute(
        "CREATE TABLE entities(entity_id VARCHAR, kind VARCHAR, name VARCHAR, id_no VARCHAR, uscc VARCHAR, "
        "birth_date DATE, sex VARCHAR, phone VARCHAR, mentions BIGINT)"
    )
    con.executemany(
        "INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
        [
            ["police_reports", "PR-1", "victim", "person", "P-1", 1.0, "id_no"],
            ["police_reports", "PR-1", "suspect", "person", "P-2", 0.93, "splink"],
            ["police_reports", "PR-2", "victim", "person", "P-1", 0.97, "splink"],
        ],
    )
    con.executemany(
        "INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?)",
        [
            ["P-1", "person", VICTIM, VICTIM_ID, None, date(2012, 3, 15), "male", None, 2],
            ["P-2", "person", SUSPECT, None, None, None, None, None, 1],
        ],
    )
    con.close()


@dataclass
class WebWorld:
    """Settings, sessions and the app of the shared store."""

    settings: Settings
    sessions: sessionmaker[Session]
    app: FastAPI

    def lead(
        self, state: str = "new", office: str = OFFICE, score: float = 0.9, handler: str = "handler_a"
    ) -> str:
        """A fresh criminal lead about the minor victim, moved by the system to ``state``."""
        number = next(_numbers)
        with session_scope(self.sessions) as session:
            system_scope(session)
            lead = Lead(
                id=f"L-W{number:05d}",
                fingerprint=f"web{number:061d}",
                model_id="unfiled-online-defamation",
                model_version="1",
                params={"min_views": 5000},
                anchor=[{"table": "police_reports", "key": {"report_id": "PR-1"}}],
                evidence=[{"table": "police_reports", "key": {"report_id": "PR-1"}}],
                subject={"kind": "person", "entity_id": "P-1", "name": VICTIM, "id_no": VICTIM_ID},
                subject_entity_id="P-1",
                target="杭州市公安局余杭区分局",
                region_code=office[:6],
                office=office,
                prong="criminal",
                measure="case_filing_notice",
                score=score,
                explanation_zh=f"被害人{VICTIM}（{VICTIM_ID}）报案的网络诽谤浏览量超过五千次，未立案。",
                explanation_en=f"The report of {VICTIM} was not filed.",
                details={"victim_age": 14},
                status="new",
            )
            session.add(lead)
            session.flush()
            work_of(session, lead)
            steps = {"accepted": ["accept"], "investigating": ["accept", "assign"]}.get(state, [])
            for step in steps:
                if step == "accept":
                    service.triage(session, SYSTEM, lead.id, "accept")
                else:
                    service.assign(session, SYSTEM, lead.id, handler)
            return lead.id

    def status(self, lead_id: str) -> str:
        with session_scope(self.sessions) as session:
            system_scope(session)
            lead = session.get(Lead, lead_id)
            assert lead is not None
            return lead.status

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")


def build_world(settings: Settings) -> WebWorld:
    settings.ensure()
    _warehouse(settings)
    sessions = open_store(settings)
    with session_scope(sessions) as session:
        system_scope(session)
        for name, (office, department, role) in USERS.items():
            add_user(session, SYSTEM, name, PASSWORD, office, department, role, name)
    return WebWorld(settings, sessions, create_app(settings, sessions))


def csrf_of(html: str) -> str:
    """The CSRF token of a page's first form."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free local port, in a thread; stopped afterwards."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
