"""The closed loop through the API: an agency uploads a batch and gets its receipt, receives the
suggestion produced from a lead, replies with an attachment; the handler verifies and closes. Every
refusal is a clear error, changes nothing and is audited."""

from __future__ import annotations

import csv
import io

from ops_fixtures import make_lead
from sqlalchemy import func, select

from procura.access import auth
from procura.access.orm import AuditEntry, User
from procura.access.principal import SYSTEM
from procura.clock import today as clock_today
from procura.db import session_scope, system_scope
from procura.exchange import service as exchange
from procura.exchange.orm import ExchangeBatch, Reply
from procura.leads.orm import Lead
from procura.workflow import service
from procura.workflow.scope import work_of

HEADER = (
    "report_id,region_code,police_unit,received_at,offense_type,victim_name,victim_id_no,victim_birth_date,"
    "victim_phone,suspect_name,suspect_id_no,description,views_count,reposts_count,filed,filed_at,"
    "police_case_no,not_filed_reason\n"
)
GOOD = (
    "PR-1,330727,磐安县公安局,2026-03-01,online_defamation,王小明,,,,李四,,造谣,6000,900,false,,,情节轻微\n"
)
BAD = "PR-2,330727,磐安县公安局,2026-13-45,online_defamation,赵六,,,,李四,,造谣,10,1,false,,,\n"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _audit(world, action: str) -> int:  # type: ignore[no-untyped-def]
    with session_scope(world.sessions) as session:
        return int(
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
            or 0
        )


def _upload(world, key: str, table: str, body: str):  # type: ignore[no-untyped-def]
    return world.client.post(
        "/api/v1/exchange/batches",
        headers=world.agency(key),
        data={"table": table},
        files={"file": ("reports.csv", body.encode("utf-8"), "text/csv")},
    )


def _reply(world, key: str, doc: int, name: str = "reply.pdf", data: bytes = PDF, day: str | None = None):  # type: ignore[no-untyped-def]
    from procura.clock import today

    return world.client.post(
        f"/api/v1/exchange/documents/{doc}/replies",
        headers=world.agency(key),
        data={"response_date": day or today().isoformat(), "correction": "已对两起报案立案侦查"},
        files={"attachment": (name, data, "application/pdf")},
    )


def test_upload_receipt_suggestion_reply_verify_close(world) -> None:  # type: ignore[no-untyped-def]
    # Upload: one good row stored, one set aside with its reason; the same file again is the same receipt.
    sent = _upload(world, world.police_key, "police_reports", HEADER + GOOD + BAD)
    assert sent.status_code == 201, sent.text
    receipt = sent.json()
    assert (receipt["read"], receipt["stored"], receipt["quarantined"]) == (2, 1, 1)
    assert len(receipt["content_sha256"]) == 64 and receipt["batch_id"]
    assert [r["row"] for r in receipt["reasons"]] and all(r["reason"] for r in receipt["reasons"])
    again = _upload(world, world.police_key, "police_reports", HEADER + GOOD + BAD).json()
    assert again["batch_id"] == receipt["batch_id"]
    reasons = world.client.get(
        f"/api/v1/exchange/batches/{receipt['batch_id']}/reasons.csv", headers=world.agency(world.police_key)
    )
    rows = list(csv.DictReader(io.StringIO(reasons.content.decode("utf-8-sig"))))
    assert rows and rows[0]["field"] == "received_at"

    # A lead on the uploaded report; the handler records a measure with findings and finalises it.
    with session_scope(world.system) as session:
        system_scope(session)
        evidence = [{"table": "police_reports", "key": {"report_id": "PR-1"}}]
        lead = make_lead(
            session, "L-EX", office="330727-county", evidence=evidence, anchor=evidence, target="公安机关"
        )
        work_of(session, lead)
        service.triage(session, SYSTEM, "L-EX", "accept")
        service.assign(session, SYSTEM, "L-EX", "handler")
    office = world.office("handler")
    act = world.client.post(
        "/api/v1/leads/L-EX/measures",
        headers=office,
        json={
            "kind": "case_filing_notice",
            "requested": "说明不立案理由",
            "findings": "浏览量超过五千次仍未立案",
        },
    )
    assert act.status_code == 201, act.text
    issued = world.client.post("/api/v1/leads/L-EX/finalise", headers=office)
    assert issued.status_code == 201, issued.text
    [doc] = issued.json()
    assert doc["doc_no"] == f"磐检刑要说〔{clock_today().year}〕1号"
    assert doc["addressee"] == "磐安县公安局"

    # The police bureau receives it; the health commission does not, and may not reply to it.
    listed = world.client.get("/api/v1/exchange/documents", headers=world.agency(world.police_key)).json()
    assert [d["doc_no"] for d in listed] == [doc["doc_no"]] and listed[0]["deadline"]
    pdf = world.client.get(
        f"/api/v1/exchange/documents/{doc['id']}/pdf", headers=world.agency(world.police_key)
    )
    assert pdf.content.startswith(b"%PDF")
    assert world.client.get("/api/v1/exchange/documents", headers=world.agency(world.other_key)).json() == []
    refused = _audit(world, "exchange.refused")
    assert _reply(world, world.other_key, doc["id"]).status_code == 403
    # A disguised executable and an oversized file are refused; nothing is stored.
    disguised = _reply(world, world.police_key, doc["id"], "reply.pdf", EXE)
    assert disguised.status_code == 422 and "not a .pdf" in disguised.text
    big = _reply(
        world, world.police_key, doc["id"], "reply.pdf", PDF + b"0" * world.settings.exchange_max_attachment
    )
    assert big.status_code == 422 and "过大" in big.text
    assert _audit(world, "exchange.refused") == refused + 3
    with session_scope(world.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Reply)) == 0

    # The reply; the lead cannot close before the handler verifies it.
    replied = _reply(world, world.police_key, doc["id"])
    assert replied.status_code == 201, replied.text
    assert replied.json()["attachment"]["sha256"]
    # The reply waits in the handler's inbox (on PostgreSQL too, under row security).
    with session_scope(world.system) as session:
        system_scope(session)
        handler = auth.principal_of(session.scalars(select(User).where(User.username == "handler")).one())
    with session_scope(world.sessions) as session:
        waiting = exchange.pending_replies(session, handler)
        assert [r["id"] for r in waiting] == [replied.json()["id"]] and waiting[0]["lead_id"] == "L-EX"
    # The lead is awaiting response: close is refused until verification (and the state allows it).
    early = world.client.post("/api/v1/leads/L-EX/close", headers=office, json={"note": ""})
    assert early.status_code == 409
    verified = world.client.post(
        f"/api/v1/replies/{replied.json()['id']}/verify", headers=office, json={"rectified": True}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["verdict"] == "rectified"
    closed = world.client.post("/api/v1/leads/L-EX/close", headers=office, json={"note": "已整改"})
    assert closed.status_code == 200, closed.text
    with session_scope(world.system) as session:
        system_scope(session)
        assert session.get(Lead, "L-EX").status == "closed"  # type: ignore[union-attr]

    # A reply after close is refused and audited.
    late = _reply(world, world.police_key, doc["id"])
    assert late.status_code == 409 and "已办结" in late.text


def test_bad_keys_and_tables_are_refused_and_audited(world) -> None:  # type: ignore[no-untyped-def]
    assert _upload(world, "pk_nope_nope", "police_reports", HEADER + GOOD).status_code == 401
    not_allowed = _upload(world, world.police_key, "medical_visits", HEADER + GOOD)
    assert not_allowed.status_code == 403 and "medical_visits" in not_allowed.text
    prefix = world.police_key.split("_")[1]
    assert (
        world.client.delete(f"/api/v1/api-keys/{prefix}", headers=world.office("handler")).status_code == 403
    )
    assert world.client.delete(f"/api/v1/api-keys/{prefix}", headers=world.office("admin")).status_code == 200
    revoked = _upload(world, world.police_key, "police_reports", HEADER + GOOD)
    assert revoked.status_code == 401 and "吊销" in revoked.text
    assert _audit(world, "exchange.refused") == 3
    with session_scope(world.sessions) as session:
        assert session.scalar(select(func.count()).select_from(ExchangeBatch)) == 0
    # A rejected file (no header it knows) stores nothing in the warehouse either.
    other = world.client.post("/api/v1/agencies/panan-police/keys", headers=world.office("admin")).json()[
        "api_key"
    ]
    broken = _upload(world, other, "police_reports", "nonsense;columns\n1;2\n")
    assert (
        broken.status_code == 201 and broken.json()["status"] == "rejected" and broken.json()["stored"] == 0
    )
