"""Issue 12's "done when", in Debian's Chromium through the pages only: from a lead, the user finds
its family of similar reports at the top with reasons, opens the class, issues one suggestion for
the class (document downloaded), sees the planted rise alerted on the dashboard and on the trends
page, and downloads the governance report. Screenshots under ``tests/web/artifacts/``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from test_web_browser import ARTIFACTS, browser, check_page, open_as  # noqa: F401
from web_world import SIBLING, WebWorld, build_world, live_server

from procura.access import auth
from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.warehouse.connection import connect
from procura.workflow import service

sys.path.insert(0, str(Path(__file__).parents[1] / "similar"))
sys.path.insert(0, str(Path(__file__).parents[1] / "classes"))
from class_leads import add_lead
from similar_world import FAMILY, add_reports

pytestmark = pytest.mark.browser
COUNTY = SIBLING[:6]  # 330106, 西湖区: the family's county and the planted rise's


def _planted_rise(settings: Settings) -> None:
    """Cyber-defamation reports of the county: 20 a month for two years, 40 a month from 2026-01."""
    rows = []
    for month in range(28):
        year, m = 2024 + month // 12, month % 12 + 1
        for n in range(40 if month >= 24 else 20):
            rows.append(
                [
                    f"PR-T{month:02d}{n:02d}",
                    COUNTY,
                    "西湖区公安分局",
                    date(year, m, 1 + n % 27),
                    "online_defamation",
                    "有人在论坛发帖辱骂报案人",
                    False,
                    "b-trend",
                ]
            )
    con = connect(settings)
    try:
        con.executemany(
            "INSERT INTO police_reports (report_id, region_code, police_unit, received_at, offense_type,"
            " description, filed, _batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        web = build_world(Settings(home=tmp_path_factory.mktemp("journey12")))
        add_reports(web.settings, FAMILY, "b-family")
        _planted_rise(web.settings)
        with session_scope(web.sessions) as session:
            system_scope(session)
            for n, record in enumerate(["PR-A1", "PR-A2", "PR-A3"], start=1):
                add_lead(session, f"L-J{n}", record, target="西湖区公安分局")
                service.triage(session, SYSTEM, f"L-J{n}", "accept")
                service.assign(session, SYSTEM, f"L-J{n}", "handler_sib")
        yield web


@pytest.fixture(scope="module")
def base_url(world: WebWorld) -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(world.app) as url:
        yield url


def test_similar_cases_class_measure_trend_alert_and_report(world: WebWorld, open_as: Any) -> None:  # noqa: F811
    page = open_as("handler_sib")
    # 1. From the lead, its family among the top results, each with why.
    page.goto("/leads/L-J1")
    page.wait_for_selector("#similar table")
    rows = page.locator("#similar tbody tr")
    top = [rows.nth(i).locator("code").inner_text() for i in range(min(3, rows.count()))]
    assert {"police_reports:PR-A2", "police_reports:PR-A3"} <= set(top), top
    why = rows.nth(0).locator("td").nth(5).inner_text()
    assert "同一" in why or "相同" in why or "文本" in why, why
    check_page(page, "journey12-lead-similar")
    # 2. The class of the lead: same police unit.
    page.click("nav a[href='/classes']")
    check_page(page, "journey12-classes")
    page.locator("#classes a.class-link").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#class-key").inner_text() == "西湖区公安分局"
    assert page.locator("#members tbody tr").count() == 3
    check_page(page, "journey12-class")
    # 3. One suggestion for the whole class; its document downloads.
    page.fill("#class-requested", "规范电信网络诈骗报案的受案立案")
    page.locator("#class-measure-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#class-document").count() == 1
    assert page.locator("#members .state-awaiting_response").count() == 3
    with page.expect_download() as info:
        page.locator("#class-document a").first.click()
    assert info.value.suggested_filename.endswith(".docx")
    check_page(page, "journey12-class-measure")
    # 4. The planted rise is alerted on the dashboard, and drawn on the trends page.
    page.goto("/")
    page.wait_for_selector("#trend-alerts .trend-alert")
    assert "西湖区" in page.locator("#trend-alerts").inner_text()
    assert "2026-01" in page.locator("#trend-alerts").inner_text()
    # The dashboard's chart of the alerted series: drawn (canvas), the rise marked from 2026-01.
    page.wait_for_selector("#alert-chart canvas")
    chart = json.loads(page.locator("#alert-chart-data").text_content() or "{}")
    planted = [line for line in chart["lines"] if line["name"].startswith("西湖区")]
    assert planted and planted[0]["since"] == "2026-01", chart["lines"]
    assert "网络诽谤" in planted[0]["name"] or "诽谤" in planted[0]["name"], planted[0]["name"]
    assert len(planted[0]["counts"]) == len(chart["periods"])
    marks = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('alert-chart')).getOption().series"
        ".map(s => [s.markArea.data[0][0].xAxis, s.markPoint.data[0].coord[0]])"
    )
    assert ["2026-01", planted[0]["period"]] in marks, marks
    assert "阴影部分为上升段" in page.locator("#trend-alerts figcaption").inner_text()
    page.locator("#alert-chart").screenshot(path=str(ARTIFACTS / "journey12-dashboard-alert-chart.png"))
    check_page(page, "journey12-dashboard-alerts")
    page.click("#trend-alerts a[href^='/trends?series=cyber_defamation']")
    page.wait_for_selector("#trend-region canvas")
    assert "2026-01" in page.locator("#trend-alert-list").inner_text()
    check_page(page, "journey12-trends")
    # 5. The governance report downloads (PDF).
    with page.expect_download() as info:
        page.click("#governance-report")
    path = info.value.path()
    assert Path(path).read_bytes()[:4] == b"%PDF"
    assert info.value.suggested_filename.startswith("governance-330106-county")
