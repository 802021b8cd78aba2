"""The workbench fragments of issue 12: similar cases on the lead page, trend alerts on the dashboard."""

from __future__ import annotations

from web_world import VICTIM_ID, WebWorld, sign_in


def _client(web: WebWorld, user: str):  # type: ignore[no-untyped-def]
    client = web.client()
    sign_in(client, user)
    return client


def test_lead_page_loads_its_similar_cases_fragment(web: WebWorld) -> None:
    lead = web.lead()
    handler = _client(web, "handler_a")
    page = handler.get(f"/leads/{lead}")
    assert f'hx-get="/leads/{lead}/similar"' in page.text
    fragment = handler.get(f"/leads/{lead}/similar")
    assert fragment.status_code == 200
    assert "类案" in fragment.text and VICTIM_ID not in fragment.text
    assert _client(web, "handler_sib").get(f"/leads/{lead}/similar").status_code == 404


def test_dashboard_loads_the_trend_alerts_fragment(web: WebWorld) -> None:
    chief = _client(web, "chief_city")
    assert 'hx-get="/trends/alerts"' in chief.get("/").text
    fragment = chief.get("/trends/alerts")
    assert fragment.status_code == 200 and "趋势预警" in fragment.text
