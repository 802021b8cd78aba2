"""The agency's side of the loop in a real browser (Debian's Chromium through Playwright), pages only:
the demo agency signs in with its API key, uploads a batch and reads its receipt (counts, per-row
reasons, the reasons as CSV); the handler records a suggestion on a lead and finalises it; the agency
receives it (deadline, PDF), replies with a dated response, the correction and an attachment; the
handler verifies the reply on the lead page and closes the lead. Screenshots go to
``tests/web/artifacts/agency-*.png``; axe-core checks each page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from test_web_browser import ARTIFACTS, browser, check_page, status_of, submit
from web_world import PASSWORD, WebWorld, build_world, live_server

from procura.access import auth
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.exchange.demo import create_demo_agency
from procura.exchange.orm import ExchangeBatch, Reply

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the Chromium fixture, shared with the workbench's browser tests

HEADER = (
    "report_id,region_code,police_unit,received_at,offense_type,victim_name,victim_id_no,victim_birth_date,"
    "victim_phone,suspect_name,suspect_id_no,description,views_count,reposts_count,filed,filed_at,"
    "police_case_no,not_filed_reason\n"
)
ROWS = (
    "PR-31,330110,余杭分局,2026-03-01,online_defamation,赵小红,,,,李四,,造谣,6000,900,false,,,情节轻微\n"
    "PR-32,330110,余杭分局,2026-13-45,online_defamation,钱小兰,,,,李四,,造谣,10,1,false,,,\n"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebWorld, str]]:
    """A world of its own (the upload writes to its warehouse) with the demo agency and its key."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        web = build_world(Settings(home=tmp_path_factory.mktemp("web-agency")))
        with session_scope(web.sessions) as session:
            system_scope(session)
            agency, key = create_demo_agency(session, web.settings, "330110-county")
            assert agency.name == "余杭分局"
        yield web, key


@pytest.fixture(scope="module")
def base_url(world: tuple[WebWorld, str]) -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(world[0].app) as url:
        yield url


def _context(browser: Any, base_url: str) -> Any:
    return browser.new_context(
        base_url=base_url,
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )


def test_the_agency_loop_through_the_pages(
    world: tuple[WebWorld, str], browser: Any, base_url: str, tmp_path: Path
) -> None:
    web, key = world
    agency_ctx, handler_ctx = _context(browser, base_url), _context(browser, base_url)
    try:
        # The agency signs in with its key; a wrong key is refused on the form.
        agency = agency_ctx.new_page()
        agency.goto("/agency")
        assert "/agency/login" in agency.url
        check_page(agency, "agency-login")
        agency.fill("#api_key", "pk_nope_nope")
        agency.click("button[type=submit]")
        assert "API 密钥" in agency.locator("[role=alert]").inner_text()
        agency.fill("#api_key", key)
        agency.click("button[type=submit]")
        agency.wait_for_load_state("networkidle")
        assert agency.url.endswith("/agency"), agency.url
        assert agency.locator("h1").inner_text() == "余杭分局"
        check_page(agency, "agency-home")

        # Upload a batch: one row stored, one set aside with its reason; the reasons as CSV.
        upload = tmp_path / "报案记录.csv"
        upload.write_text(HEADER + ROWS, encoding="utf-8")
        agency.select_option("#table", "police_reports")
        agency.set_input_files("#file", str(upload))
        agency.click("#upload button[type=submit]")
        agency.wait_for_load_state("networkidle")
        assert "/agency/batches/" in agency.url
        counts = [c.inner_text() for c in agency.locator("#counts tbody td").all()]
        assert counts == ["2", "1", "0", "0", "1"]
        reasons = agency.locator("#reasons tbody").inner_text()
        assert "接报日期" in reasons and "日期不存在" in reasons and "2026-13-45" in reasons
        assert "北京时间" in agency.locator("main").inner_text()  # receipt time, as every page shows times
        check_page(agency, "agency-receipt")
        with agency.expect_download() as got:
            agency.click("#reasons a[download]")
        rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
        assert [r["row"] for r in rows] == ["2"] and rows[0]["field"] == "received_at"

        # The handler records a procuratorial measure with findings and finalises it on the lead page.
        lead = web.lead("investigating")
        handler = handler_ctx.new_page()
        handler.goto("/")
        handler.fill("#username", "handler_a")
        handler.fill("#password", PASSWORD)
        handler.click("button[type=submit]")
        handler.wait_for_load_state("networkidle")
        handler.goto(f"/leads/{lead}")
        submit(
            handler,
            "act",
            {
                "select[name=kind]": "case_filing_notice",
                "input[name=requested]": "说明不立案理由",
                "textarea[name=findings]": "被害人报案的网络诽谤浏览量超过五千次，公安机关未立案。",
            },
        )
        assert status_of(handler) == "待回复"
        handler.click("#documents form.finalise button")
        handler.wait_for_load_state("networkidle")
        doc_no = handler.locator("#documents .doc-no").first.inner_text()
        assert doc_no.startswith("余检") or "检" in doc_no, doc_no
        check_page(handler, "agency-lead-finalised")

        # The agency receives it with its deadline and PDF, and replies with an attachment.
        agency.goto("/agency")
        agency.click(f"#documents a:has-text('{doc_no}')")
        agency.wait_for_load_state("networkidle")
        assert agency.locator("#deadline").inner_text() != "—"
        with agency.expect_download() as got:
            agency.click("#pdf")
        assert Path(got.value.path()).read_bytes().startswith(b"%PDF")
        attachment = tmp_path / "整改报告.pdf"
        attachment.write_bytes(PDF)
        agency.fill("#correction", "已对该报案立案侦查，立案决定书附后。")
        agency.set_input_files("#attachment", str(attachment))
        agency.click("#reply button[type=submit]")
        agency.wait_for_load_state("networkidle")
        assert "已收到" in agency.locator("[role=status]").inner_text()
        assert "已对该报案立案侦查" in agency.locator("#replies").inner_text()
        check_page(agency, "agency-document-replied")

        # The handler sees the reply on the lead page, downloads the attachment, verifies and closes.
        handler.goto(f"/leads/{lead}")
        replies = handler.locator("#agency-replies")
        assert "已对该报案立案侦查" in replies.inner_text()
        with handler.expect_download() as got:
            replies.locator("a[download]").first.click()
        assert Path(got.value.path()).read_bytes() == PDF
        check_page(handler, "agency-lead-reply")
        replies.locator("form.verify button[type=submit]").click()
        handler.wait_for_load_state("networkidle")
        assert status_of(handler) == "已整改"
        submit(handler, "close", {"input[name=note]": "经核实已整改"})
        assert status_of(handler) == "已办结"
        check_page(handler, "agency-lead-closed")
        assert web.status(lead) == "closed"

        # The agency sees its reply verified and no further reply form.
        agency.reload()
        assert "已整改" in agency.locator("#replies").inner_text()
        assert agency.locator("#reply").count() == 0
        check_page(agency, "agency-document-verified")
    finally:
        agency_ctx.close()
        handler_ctx.close()
    with session_scope(web.sessions) as session:
        system_scope(session)
        assert session.query(ExchangeBatch).count() == 1
        assert [r.verdict for r in session.query(Reply)] == ["rectified"]
