"""The workbench in a real browser: Debian's Chromium driven by Playwright (never a browser download).

Signs in as users of different offices, takes a lead from new to closed
through the pages only (a document downloaded on the way), checks masking,
denial and the sibling office's 'not found', navigates the queue by keyboard
only, runs axe-core on every page, and saves a screenshot of each page under
``tests/web/artifacts/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_world import PASSWORD, VICTIM, WebWorld, live_server

from procura import vocab
from procura.config import Settings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = "/static/vendor/axe-core/axe.min.js"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = "Debian's chromium is not installed (make browser installs it)"
        if Settings().require_browser:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base_url(web: WebWorld) -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(web.app) as url:
        yield url


@pytest.fixture
def open_as(browser: Any, base_url: str) -> Iterator[Any]:
    contexts: list[Any] = []

    def sign_in(username: str) -> Any:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/")
        assert "/login" in page.url
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url, page.content()[:500]
        return page

    yield sign_in
    for context in contexts:
        context.close()


def check_page(page: Any, name: str) -> None:
    """No serious or critical axe-core violation; a screenshot saved as an artefact."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(url=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not bad, f"{name}: " + "; ".join(bad)


def submit(page: Any, action: str, fields: dict[str, str] | None = None) -> None:
    form = page.locator(f"form[data-action='{action}']")
    for selector, value in (fields or {}).items():
        control = form.locator(selector)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def status_of(page: Any) -> str:
    return str(page.locator("#lead-status").inner_text())


def test_sign_in_page_and_a_wrong_password(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    check_page(page, "login")
    page.fill("#username", "handler_a")
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator("[role=alert]").inner_text()
    context.close()


def test_the_whole_journey_through_pages_only(web: WebWorld, open_as: Any) -> None:
    lead = web.lead("new", score=0.97)
    handler = open_as("handler_a")
    check_page(handler, "dashboard")
    assert handler.locator("#chart-funnel canvas").count() == 1
    handler.goto("/leads?status=new")
    check_page(handler, "queue")
    handler.click(f"a[href='/leads/{lead}']")
    assert status_of(handler) == "新线索"
    assert "王某" in handler.locator("#subject-name").inner_text()
    handler.wait_for_selector("#graph[data-nodes='3']", state="attached")
    check_page(handler, "lead-new")
    submit(handler, "accept", {"input[name=note]": "初查属实"})
    assert status_of(handler) == "已受理"

    head = open_as("head_crim")
    head.goto(f"/leads/{lead}")
    submit(head, "assign", {"select[name=handler]": "handler_a"})
    assert status_of(head) == "调查中"

    handler.goto(f"/leads/{lead}")
    submit(
        handler, "act", {"select[name=kind]": "case_filing_notice", "input[name=requested]": "说明不立案理由"}
    )
    assert status_of(handler) == "待回复"
    check_page(handler, "lead-awaiting-response")
    with handler.expect_download() as download_info:
        handler.locator("#documents a", has_text="Word").first.click()
    download = download_info.value
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".docx" and saved.read_bytes()[:2] == b"PK"

    submit(handler, "respond_rectified", {"input[name=note]": "公安机关已立案"})
    assert status_of(handler) == "已整改"
    submit(handler, "close")
    assert status_of(handler) == "已办结"
    timeline = handler.locator("#timeline").inner_text()
    for action in ("accept", "assign", "act", "respond_rectified", "close"):
        assert vocab.label("actions", action) in timeline
    assert vocab.label("measures", "case_filing_notice") in timeline
    check_page(handler, "lead-closed")
    assert web.status(lead) == "closed"


def test_masking_unmasking_and_denial_are_visible(web: WebWorld, open_as: Any) -> None:
    lead = web.lead("investigating", handler="handler_a")
    other = open_as("handler_b")
    other.goto(f"/leads/{lead}")
    assert other.locator("#unmask-denied").is_visible()
    assert VICTIM not in other.content()
    assert other.locator("#no-actions").is_visible()
    handler = open_as("handler_a")
    handler.goto(f"/leads/{lead}")
    handler.select_option("#u-code", "case_handling")
    handler.fill("#u-purpose", "制作询问笔录需核对被害人身份")
    handler.click("#evidence button[type=submit]")
    handler.wait_for_load_state("networkidle")
    assert VICTIM in handler.locator("#subject-name").inner_text()
    check_page(handler, "lead-unmasked")


def test_a_sibling_office_is_told_not_found(web: WebWorld, open_as: Any) -> None:
    lead = web.lead()
    sibling = open_as("handler_sib")
    response = sibling.goto(f"/leads/{lead}")
    assert response.status == 404
    assert "未找到" in sibling.locator("[role=alert]").inner_text()
    check_page(sibling, "not-found")


def test_keyboard_only_navigation_of_the_queue(web: WebWorld, open_as: Any) -> None:
    web.lead()
    page = open_as("chief_a")
    page.goto("/leads")
    page.focus("#f-status")
    page.keyboard.press("ArrowDown")  # 全部 → 新线索
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "status=new" in page.url
    page.keyboard.press("j")  # the first lead of the list
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert first and first.startswith("/leads/L-")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(first)


def test_every_other_page_passes_axe(web: WebWorld, open_as: Any) -> None:
    analyst = open_as("analyst_prov")
    for path, name in (
        ("/models", "models"),
        ("/models/unfiled-online-defamation", "model"),
        ("/data", "data"),
    ):
        analyst.goto(path)
        check_page(analyst, name)
    auditor = open_as("auditor_prov")
    auditor.goto("/audit")
    auditor.click("#verify-box button[type=submit]")  # htmx swaps the result in; the page stays
    assert "审计日志完整" in auditor.locator("#verify-result").inner_text()
    assert auditor.url.endswith("/audit")
    check_page(auditor, "audit")
    admin = open_as("admin_prov")
    admin.goto(f"/audit?lead={web.lead()}")
    check_page(admin, "who-can-see")
    handler = open_as("handler_a")
    handler.goto("/lang/en?next=/leads")
    check_page(handler, "queue-en")
    docs = handler.goto("/api/v1/docs")
    assert docs.status == 200
    handler.wait_for_selector(".swagger-ui .info", timeout=15000)
    handler.screenshot(path=str(ARTIFACTS / "api-docs.png"))
