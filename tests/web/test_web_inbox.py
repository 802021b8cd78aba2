"""The inbox page: deadline reminders and agencies' replies, verified from the workbench."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from test_web_i18n import english_words
from web_world import WebWorld, csrf_of, sign_in

from procura.access.principal import SYSTEM, Principal
from procura.clock import today
from procura.db import session_scope, system_scope
from procura.documents.service import finalise
from procura.exchange import keys
from procura.exchange import service as exchange
from procura.leads.orm import Lead
from procura.workflow import reminders, service
from procura.workflow.orm import Measure

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reminders_and_a_reply_verified_on_the_inbox_page(web: WebWorld) -> None:
    lead = web.lead("investigating", handler="handler_a")
    with session_scope(web.sessions) as session:
        system_scope(session)
        measure = service.act(session, web.settings, SYSTEM, lead, "case_filing_notice")
        measure.deadline = today() + timedelta(days=2)
        [doc] = finalise(session, web.settings, SYSTEM, lead)
        keys.add_agency(session, SYSTEM, f"web-police-{lead}".lower(), doc.addressee, "police", "330110", [])
        agency = Principal(0, "agency:web", "", "", "agency", "", f"web-police-{lead}".lower())
        exchange.reply(session, web.settings, agency, doc.id, today(), "已立案侦查", "reply.pdf", PDF)
        reminders.remind(session, web.settings)
    client = web.client()
    sign_in(client, "handler_a")
    page = client.get("/inbox")
    assert page.status_code == 200
    assert (
        lead in page.text
        and "即将到期" in page.text
        and "已立案侦查" in page.text
        and doc.doc_no in page.text
    )
    assert not english_words(page.text), sorted(english_words(page.text))
    reply_id = int(page.text.split('action="/replies/')[1].split("/")[0])
    verified = client.post(
        f"/replies/{reply_id}/verify",
        data={"csrf": csrf_of(page.text), "verdict": "rectified"},
        follow_redirects=False,
    )
    assert verified.status_code == 303
    with session_scope(web.sessions) as session:
        system_scope(session)
        assert session.get(Lead, lead).status == "rectified"  # type: ignore[union-attr]
        assert session.scalar(select(Measure.response_outcome).where(Measure.lead_id == lead)) == "rectified"
    assert "暂无待核实的回复" in client.get("/inbox").text
