"""A lead from new to closed through the API, by the right users only, with documents and audit."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import docx
import pypdf
from api_world import VICTIM_ID, World

from procura.clock import today as clock_today

VICTIM = "review: 核实被害人身份以便通知家属到场"
NOTICE = "review: 核实身份以便制作检察建议书"
COURT = "case_handling: 移送卷宗至法院立案庭审查"


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def _status(world: World, lead: str) -> str:
    return world.call("GET", f"/leads/{lead}", "chief_own").json()["summary"]["status"]


def test_new_to_closed_by_the_right_users_with_documents_and_a_verified_audit_log(world: World) -> None:
    lead = world.lead("new")
    post = world.call

    # Triage: an analyst reads but may not triage; a handler of a sibling office does not even see it.
    assert (
        post("POST", f"/leads/{lead}/triage", "analyst_own", json={"decision": "accept"}).status_code == 403
    )
    assert (
        post("POST", f"/leads/{lead}/triage", "handler_sibling", json={"decision": "accept"}).status_code
        == 404
    )
    accepted = post(
        "POST", f"/leads/{lead}/triage", "handler_own", json={"decision": "accept", "note": "属实"}
    )
    assert accepted.status_code == 200 and accepted.json()["to_status"] == "accepted"

    # Assignment is for heads: the handler cannot assign themself.
    body = {"handler": "handler_own"}
    assert post("POST", f"/leads/{lead}/assign", "handler_own", json=body).status_code == 403
    assert post("POST", f"/leads/{lead}/assign", "department_head_own", json=body).json()["to_status"] == (
        "investigating"
    )

    # Another handler of the office may no longer act on it; the assigned handler records the measure.
    measure_body = {"kind": "case_filing_notice", "requested": "说明不立案理由"}
    assert (
        post("POST", f"/leads/{lead}/measures", "handler_own_other_dept", json=measure_body).status_code
        == 403
    )
    measure = post("POST", f"/leads/{lead}/measures", "handler_own", json=measure_body)
    assert measure.status_code == 201, measure.text
    today = clock_today()
    assert measure.json()["deadline"] == (today + timedelta(days=7)).isoformat()
    assert measure.json()["addressee"] == "杭州市公安局西湖区分局"
    assert _status(world, lead) == "awaiting_response"

    # The formal document of that measure, DOCX and PDF, minimised.
    doc = post("GET", f"/leads/{lead}/documents/auto", "handler_own", params={"format": "docx"})
    assert doc.status_code == 200 and doc.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in doc.headers["content-disposition"]
    text = _docx_text(doc.content)
    due = date.fromisoformat(measure.json()["deadline"])
    # Addressed to the bureau the evidence names (the target is only the default, ADR 0521).
    assert "要求说明不立案理由通知书" in text and "西湖分局：" in text
    assert f"{due.year}年{due.month}月{due.day}日前" in text
    assert "《中华人民共和国刑事诉讼法》第一百一十三条" in text
    assert "王某" in text and "王小明" not in text and VICTIM_ID not in text
    pdf = post(
        "GET",
        f"/leads/{lead}/documents/case_filing_notice",
        "handler_own",
        params={"format": "pdf", "lang": "en"},
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_text = _pdf_text(pdf.content)
    assert "NoticeRequiringanExplanation" in pdf_text and VICTIM_ID not in pdf_text
    # Another kind drafted later keeps the measure's addressee but its own deadline.
    order = _docx_text(post("GET", f"/leads/{lead}/documents/filing_order", "handler_own").content)
    due15 = today + timedelta(days=15)
    assert "通知立案书" in order and "西湖分局：" in order
    assert f"{due15.year}年{due15.month}月{due15.day}日前" in order
    assert post("GET", f"/leads/{lead}/documents/auto", "analyst_own").status_code == 403
    assert post("GET", f"/leads/{lead}/documents/nonsense", "handler_own").status_code == 422

    # The response, then closing; closing twice is an invalid transition.
    response = post(
        "POST", f"/leads/{lead}/responses", "handler_own", json={"rectified": True, "note": "已立案"}
    )
    assert response.status_code == 200 and response.json()["response_outcome"] == "rectified"
    assert post("POST", f"/leads/{lead}/close", "analyst_parent", json={}).status_code == 403
    assert post("POST", f"/leads/{lead}/close", "chief_parent", json={}).status_code == 403
    assert (
        post("POST", f"/leads/{lead}/close", "handler_own", json={"note": "整改到位"}).json()["to_status"]
        == "closed"
    )
    assert post("POST", f"/leads/{lead}/close", "handler_own", json={}).status_code == 409

    history = post("GET", f"/leads/{lead}/history", "handler_own").json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in history] == [
        ("accept", "new", "accepted"),
        ("assign", "accepted", "investigating"),
        ("act", "investigating", "awaiting_response"),
        ("respond_rectified", "awaiting_response", "rectified"),
        ("close", "rectified", "closed"),
    ]
    assert [e["actor"] for e in history] == [
        "handler_own",
        "department_head_own",
        "handler_own",
        "handler_own",
        "handler_own",
    ]

    # The audit log holds every change and each document drafted, and its chain verifies.
    entries = post("GET", "/audit", "auditor_own", params={"object_id": lead, "limit": 100}).json()
    actions = [item["action"] for item in entries["items"]]
    assert actions.count("lead.document") == 3
    assert {"lead.accept", "lead.assign", "lead.act", "lead.respond_rectified", "lead.close"} <= set(actions)
    verify = post("GET", "/audit/verify", "auditor_own").json()
    assert verify["ok"] is True and verify["entries"] >= entries["total"] and verify["problems"] == []


def test_unmasking_needs_a_purpose_and_is_audited(world: World) -> None:
    lead = world.lead("investigating")
    masked = world.call("GET", f"/leads/{lead}", "handler_own").json()
    assert VICTIM_ID not in str(masked) and "330106************" in str(masked)
    assert world.call("POST", f"/leads/{lead}/unmask", "handler_own", json={"purpose": ""}).status_code == 422
    clear = world.call("POST", f"/leads/{lead}/unmask", "handler_own", json={"purpose": VICTIM})
    assert clear.status_code == 200 and VICTIM_ID in str(clear.json())
    entries = world.call(
        "GET", "/audit", "auditor_own", params={"object_id": lead, "action": "lead.unmask"}
    ).json()
    assert entries["total"] == 1 and entries["items"][0]["purpose"] == VICTIM
    assert entries["items"][0]["actor"] == "handler_own"


def test_evidence_bundle_is_one_masked_file(world: World) -> None:
    lead = world.lead("investigating")
    response = world.call("GET", f"/leads/{lead}/bundle", "handler_own")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{lead}-bundle.json"'
    bundle = response.json()
    assert bundle["bundle"]["masked"] is True and bundle["lead"]["summary"]["id"] == lead
    assert bundle["records"][0]["row"]["report_id"] == "PR-1"
    assert VICTIM_ID not in response.text
    assert bundle["legal_basis"] and bundle["history"]


def test_disabling_a_user_ends_their_sessions(world: World) -> None:
    name = "disable_me"
    created = world.call(
        "POST",
        "/users",
        "admin_own",
        json={
            "username": name,
            "password": "long-enough-1",
            "office_id": "330100-city",
            "department": "civil",
            "role": "analyst",
        },
    )
    assert created.status_code == 201 and "password" not in created.text
    token = world.call(
        "POST", "/auth/login", None, json={"username": name, "password": "long-enough-1"}
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert world.client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert (
        world.call("PATCH", f"/users/{name}", "admin_own", json={"active": False}).json()["active"] is False
    )
    assert world.client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_model_stats_count_triage_outcomes(world: World) -> None:
    model = "stats-model"
    kept = world.lead("new", model_id=model)
    dropped = world.lead("new", model_id=model)
    world.lead("new", model_id=model)
    world.call("POST", f"/leads/{kept}/triage", "chief_own", json={"decision": "accept"})
    world.call(
        "POST", f"/leads/{dropped}/triage", "chief_own", json={"decision": "dismiss", "reason": "false_match"}
    )
    stats = world.call(
        "GET", "/models/stats", "analyst_own", params={"model": model, "by_office": False, "by_month": False}
    ).json()
    assert stats == [
        {
            "model_id": model,
            "office": "*",
            "month": "*",
            "leads": 3,
            "pending": 1,
            "confirmed": 1,
            "dismissed": 1,
            "with_measure": 0,
            "dismiss_reasons": {"false_match": 1},
            "precision": 0.5,
            "measure_rate": 0.0,
        }
    ]


def test_the_bundle_in_clear_needs_the_unmasking_right_and_a_purpose(world: World) -> None:
    lead = world.lead("investigating")
    assert (
        world.call("POST", f"/leads/{lead}/bundle", "analyst_own", json={"purpose": NOTICE}).status_code
        == 403
    )
    assert world.call("POST", f"/leads/{lead}/bundle", "handler_own", json={"purpose": ""}).status_code == 422
    clear = world.call("POST", f"/leads/{lead}/bundle", "handler_own", json={"purpose": COURT})
    assert clear.status_code == 200 and clear.json()["bundle"]["masked"] is False and VICTIM_ID in clear.text


def test_escalation_up_and_designation_down_move_the_lead_between_jurisdictions(world: World) -> None:
    lead = world.lead("new", office="330106-county")
    post = world.call
    assert post("GET", f"/leads/{lead}", "handler_child").status_code == 200
    assert post("POST", f"/leads/{lead}/escalate", "handler_child", json={}).status_code == 403
    up = post("POST", f"/leads/{lead}/escalate", "department_head_child", json={"note": "跨区域"})
    assert up.status_code == 200 and up.json()["to_status"] == "escalated"
    # Now the city handles it; the county keeps reading its course (ADR 0524), the city and province too.
    assert post("GET", f"/leads/{lead}", "handler_child").status_code == 200
    assert post("GET", f"/leads/{lead}", "handler_sibling").status_code == 404
    assert post("GET", f"/leads/{lead}", "analyst_parent").json()["summary"]["office"] == "330100-city"
    assert (
        post("POST", f"/leads/{lead}/designate", "chief_parent", json={"office": "330106-county"}).status_code
        == 403
    )
    down = post("POST", f"/leads/{lead}/designate", "chief_own", json={"office": "330106-county"})
    assert down.status_code == 200 and down.json()["to_status"] == "transferred"
    accepted = post("POST", f"/leads/{lead}/triage", "handler_child", json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["to_status"] == "accepted"
    actions = [e["action"] for e in post("GET", f"/leads/{lead}/history", "handler_child").json()]
    assert actions == ["escalate", "designate", "accept"]


def test_overdue_measures_surface_in_the_queue(world: World) -> None:
    from sqlalchemy import update

    from procura.db import session_scope, system_scope
    from procura.workflow.orm import Measure

    model = "overdue-model"
    late, on_time = (
        world.lead("awaiting_response", model_id=model),
        world.lead("awaiting_response", model_id=model),
    )
    with session_scope(world.system) as session:
        system_scope(session)
        session.execute(
            update(Measure).where(Measure.lead_id == late).values(deadline=clock_today() - timedelta(1))
        )
    page = world.call("GET", "/leads", "handler_own", params={"model": model, "overdue": True}).json()
    assert [item["id"] for item in page["items"]] == [late] and page["items"][0]["overdue"] is True
    rest = world.call("GET", "/leads", "handler_own", params={"model": model, "overdue": False}).json()
    assert [item["id"] for item in rest["items"]] == [on_time]


def test_not_rectified_can_be_escalated_and_a_linked_lead_spawned(world: World) -> None:
    lead = world.lead("awaiting_response")
    post = world.call
    spawned = post("POST", f"/leads/{lead}/spawn", "handler_own", json={"department": "public_interest"})
    assert spawned.status_code == 201 and spawned.json()["prong"] == "public_interest"
    links = post("GET", f"/leads/{lead}", "handler_own").json()["links"]
    assert links == [{"lead_id": spawned.json()["id"], "kind": "spawned", "direction": "to"}]
    answer = post(
        "POST", f"/leads/{lead}/responses", "handler_own", json={"rectified": False, "note": "拒不整改"}
    )
    assert answer.json()["response_outcome"] == "not_rectified"
    up = post("POST", f"/leads/{lead}/escalate", "department_head_own", json={"note": "提起诉讼"})
    assert up.json()["from_status"] == "not_rectified" and up.json()["to_status"] == "escalated"
