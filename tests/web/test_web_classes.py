"""Issue 12 in the workbench: the classes list, a class page with masked members, one measure for
the whole class (CSRF like every form) with its document, and the trends page; bad input is a
clear answer, never a 500."""

from __future__ import annotations

import re

import pytest
from web_world import PASSWORD, VICTIM, VICTIM_ID, WebWorld, csrf_of, sign_in

from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.db import session_scope, system_scope

# An office of its own, so the classes here hold only this file's leads (other tests count theirs).
OFFICE = "330108-county"


@pytest.fixture(scope="module", autouse=True)
def _handler(web: WebWorld) -> None:
    with session_scope(web.sessions) as session:
        system_scope(session)
        add_user(session, SYSTEM, "handler_cls", PASSWORD, OFFICE, "criminal", "handler", "handler_cls")


def _client(web: WebWorld, user: str):  # type: ignore[no-untyped-def]
    client = web.client()
    sign_in(client, user)
    return client


def _class_of(web: WebWorld, client, lead: str) -> str:  # type: ignore[no-untyped-def]
    listing = client.get("/classes?by=body&min_size=1")
    assert listing.status_code == 200
    for cid in re.findall(r'href="/classes/(K-[0-9a-f]+)"', listing.text):
        if lead in client.get(f"/classes/{cid}").text:
            return cid
    raise AssertionError(f"no class holds {lead}")


def test_one_measure_for_a_class_from_its_page(web: WebWorld) -> None:
    members = [web.lead("investigating", office=OFFICE, handler="handler_cls") for _ in range(3)]
    handler = _client(web, "handler_cls")
    assert "/classes" in handler.get("/").text  # in the navigation bar
    cid = _class_of(web, handler, members[0])
    page = handler.get(f"/classes/{cid}")
    assert all(m in page.text for m in members)
    assert VICTIM not in page.text and VICTIM_ID not in page.text  # masked like the queue
    assert 'id="class-measure-form"' in page.text
    # A form POST without the CSRF token does nothing.
    refused = handler.post(f"/classes/{cid}/measure", data={"kind": "procuratorial_suggestion"})
    assert refused.status_code == 403 and all(web.status(m) == "investigating" for m in members)
    done = handler.post(
        f"/classes/{cid}/measure",
        data={
            "csrf": csrf_of(page.text),
            "kind": "procuratorial_suggestion",
            "requested": "规范网络诽谤案件受案立案",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert all(web.status(m) == "awaiting_response" for m in members)
    after = handler.get(done.headers["location"])
    assert 'id="class-document"' in after.text and "class-response-form" in after.text
    link = re.search(r'href="(/leads/[^"]+/document\?measure_id=\d+&(?:amp;)?format=docx)"', after.text)
    assert link, after.text
    doc = handler.get(link.group(1).replace("&amp;", "&"))
    assert doc.status_code == 200 and doc.content[:2] == b"PK"
    # Each member is linked to the first as one class.
    assert "类案" in handler.get(f"/leads/{members[1]}").text
    # The response for the whole class closes every member.
    response = handler.post(
        f"/classes/{cid}/response",
        data={"csrf": csrf_of(after.text), "outcome": "rectified"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert all(web.status(m) == "closed" for m in members)


def test_class_pages_are_jurisdiction_scoped_and_refuse_bad_input(web: WebWorld) -> None:
    lead = web.lead("investigating", office=OFFICE, handler="handler_cls")
    cid = _class_of(web, _client(web, "handler_cls"), lead)
    other = _client(web, "handler_a")
    assert other.get(f"/classes/{cid}").status_code == 404 or lead not in other.get(f"/classes/{cid}").text
    assert other.get("/classes/K-000000000000").status_code == 404
    assert other.get("/classes?by=nonsense").status_code == 422
    assert other.get("/classes?min_size=0").status_code == 422


def test_trends_page_draws_series_with_numbers_and_refuses_bad_input(web: WebWorld) -> None:
    chief = _client(web, "chief_city")
    page = chief.get("/trends?series=cyber_defamation&level=county")
    assert page.status_code == 200, page.text
    assert "trend-data" in page.text and "/static/trends.js" in page.text
    assert "/api/v1/trends/cyber_defamation?level=county" in page.text  # the numbers behind the chart
    assert "余杭" in page.text  # the county of the warehouse's reports
    assert chief.get("/trends?series=nope").status_code == 422
    assert chief.get("/trends?level=street").status_code == 422
    assert chief.get("/trends?region=abc").status_code == 422
    assert chief.get("/trends?start=2026-13").status_code == 422
    empty = chief.get("/trends?start=1990-01&end=1990-03")
    assert empty.status_code == 200 and "没有数据" in empty.text


def test_governance_report_downloads_for_office_model_and_class(web: WebWorld) -> None:
    lead = web.lead("investigating", office=OFFICE, handler="handler_cls")
    handler = _client(web, "handler_cls")
    cid = _class_of(web, handler, lead)
    page = handler.get(f"/classes/{cid}")
    link = re.search(r'id="class-report" href="([^"]+)"', page.text)
    assert link
    pdf = handler.get(link.group(1).replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert cid in pdf.headers["content-disposition"]
    model = handler.get("/reports/governance?model=unfiled-online-defamation")
    assert model.status_code == 200 and "unfiled-online-defamation" in model.headers["content-disposition"]
    assert 'id="model-report"' in handler.get("/models/unfiled-online-defamation").text
    # Bad input is a clear answer, never a 500.
    assert handler.get("/reports/governance?model=nope").status_code == 404
    assert handler.get("/reports/governance?class=K-000000000000").status_code == 404
    assert handler.get("/reports/governance?start=2026-13&end=2026-01").status_code == 422
    empty = handler.get("/reports/governance?start=1990-01&end=1990-02")
    assert empty.status_code == 200 and empty.content[:4] == b"%PDF"  # a period with no data says so


def test_similar_panel_of_an_unknown_lead_is_not_found(web: WebWorld) -> None:
    handler = _client(web, "handler_cls")
    assert handler.get("/leads/L-NOPE/similar").status_code == 404


def test_trends_and_class_pages_in_english(web: WebWorld) -> None:
    chief = _client(web, "chief_city")
    chief.cookies.set("procura_lang", "en")
    page = chief.get("/trends?series=cyber_defamation&level=county")
    assert page.status_code == 200 and "Trends" in page.text and "Trend alerts" in page.text
    assert chief.get("/classes").status_code == 200
