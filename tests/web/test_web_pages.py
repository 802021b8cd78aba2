"""The workbench's pages over the service layer: scope, masking, errors, aggregates, exports."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from sqlalchemy import select
from web_world import PASSWORD, VICTIM, VICTIM_ID, WebWorld, csrf_of, sign_in

from procura.access.orm import AuditEntry
from procura.db import session_scope


def _client(web: WebWorld, user: str):  # type: ignore[no-untyped-def]
    client = web.client()
    sign_in(client, user)
    return client


def _last_audit(web: WebWorld, action: str) -> AuditEntry:
    with session_scope(web.sessions) as session:
        return session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc()).limit(1)
        ).one()


def test_a_sibling_office_gets_not_found_and_a_higher_office_reads(web: WebWorld) -> None:
    lead = web.lead()
    sibling = _client(web, "handler_sib").get(f"/leads/{lead}")
    assert sibling.status_code == 404
    assert "未找到：您的管辖范围内没有该线索或记录。" in sibling.text and VICTIM not in sibling.text
    assert lead not in _client(web, "handler_sib").get("/leads").text
    city = _client(web, "chief_city").get(f"/leads/{lead}")
    assert city.status_code == 200 and lead in city.text


def test_the_lead_page_masks_a_minor_and_unmasking_needs_a_purpose_and_is_audited(web: WebWorld) -> None:
    lead = web.lead("investigating", handler="handler_a")
    handler = _client(web, "handler_a")
    page = handler.get(f"/leads/{lead}")
    assert page.status_code == 200
    assert VICTIM not in page.text and VICTIM_ID not in page.text and "王某" in page.text
    assert "查看明文" in page.text  # the unmask form
    form = {"csrf": csrf_of(page.text), "purpose_code": "case_handling"}
    short = handler.post(f"/leads/{lead}/unmask", data={**form, "purpose": "x"})
    assert short.status_code == 422 and "用途" in short.text and VICTIM not in short.text
    clear = handler.post(f"/leads/{lead}/unmask", data={**form, "purpose": "制作询问笔录需核对被害人身份"})
    assert clear.status_code == 200, re.findall(r"data-code=\"[a-z_]+\">([^<]*)", clear.text)
    assert VICTIM in clear.text and VICTIM_ID in clear.text
    entry = _last_audit(web, "lead.unmask")
    assert (entry.actor, entry.object_id) == ("handler_a", lead)
    assert entry.purpose == "case_handling: 制作询问笔录需核对被害人身份"
    # Another handler of the same department sees the lead but may neither unmask nor act.
    other = _client(web, "handler_b")
    page = other.get(f"/leads/{lead}")
    assert "只有该线索的承办人及其部门负责人、检察长可以查看明文个人信息" in page.text
    assert 'action="/leads/' + lead + '/actions/act"' not in page.text
    denied = other.post(
        f"/leads/{lead}/unmask",
        data={"csrf": csrf_of(page.text), "purpose_code": "review", "purpose": "想看看详情核对一下身份信息"},
    )
    assert denied.status_code == 403 and VICTIM not in denied.text


def test_an_action_not_allowed_in_the_state_says_so_and_changes_nothing(web: WebWorld) -> None:
    lead = web.lead()
    client = _client(web, "head_crim")
    page = client.get(f"/leads/{lead}")
    assert f'action="/leads/{lead}/actions/close"' not in page.text
    response = client.post(f"/leads/{lead}/actions/close", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 409
    assert "该线索当前状态下不允许此操作，未作任何更改。" in response.text
    assert web.status(lead) == "new"


def test_dashboard_numbers_are_the_apis(web: WebWorld) -> None:
    web.lead()
    client = _client(web, "chief_a")
    token = client.cookies.get("procura_session")
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get("/")
    assert page.status_code == 200
    for by in ("model", "prong", "status", "month", "region"):
        buckets = client.get(f"/api/v1/dashboard/leads?by={by}", headers=headers).json()
        assert buckets
        for bucket in buckets:
            assert f'href="/leads?{urlencode(bucket["filter"])}"' in page.text, bucket
    funnel = client.get("/api/v1/dashboard/funnel", headers=headers).json()
    total = funnel[0]["leads"]
    assert f"辖区内线索 {total} 条" in page.text
    queue = client.get("/api/v1/leads", headers=headers).json()
    assert queue["total"] == total
    accepted = client.get("/api/v1/leads?stage=accepted", headers=headers)
    assert accepted.status_code == 200
    assert client.get("/leads?stage=accepted").text.count("lead-link") == min(accepted.json()["total"], 50)
    # The sibling office's dashboard does not count these leads.
    sibling = _client(web, "handler_sib")
    sib_token = sibling.cookies.get("procura_session")
    sib = sibling.get("/api/v1/dashboard/funnel", headers={"Authorization": f"Bearer {sib_token}"}).json()
    assert sib[0]["leads"] == 0


def test_bulk_triage_is_all_or_nothing(web: WebWorld) -> None:
    first, second = web.lead(), web.lead()
    client = _client(web, "handler_a")
    page = client.get("/leads")
    token = csrf_of(page.text)
    # A dismissal without a reason fails for both leads: neither changes.
    bad = client.post(
        "/leads/triage", data={"csrf": token, "lead_id": [first, second], "decision": "dismiss"}
    )
    assert bad.status_code == 422 and "排除理由" in bad.text
    assert (web.status(first), web.status(second)) == ("new", "new")
    good = client.post(
        "/leads/triage",
        data={"csrf": token, "lead_id": [first, second], "decision": "dismiss", "reason": "false_match"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert (web.status(first), web.status(second)) == ("dismissed", "dismissed")


def test_export_is_the_analysts_masked_unless_a_purpose_is_given_and_audited(web: WebWorld) -> None:
    lead = web.lead("investigating", handler="handler_a")
    assert "导出（遮蔽，CSV）" not in _client(web, "handler_a").get("/leads").text
    assert _client(web, "handler_a").get("/leads/export").status_code == 403
    client = _client(web, "analyst_prov")
    masked = client.get("/leads/export?status=investigating")
    assert masked.status_code == 200 and masked.headers["content-type"].startswith("text/csv")
    row = next(r for r in csv.DictReader(io.StringIO(masked.text.lstrip("\ufeff"))) if r["lead_id"] == lead)
    assert VICTIM not in masked.text and "王某" in row["subject"]
    page = client.get("/leads")
    form = {"csrf": csrf_of(page.text), "status": "investigating", "purpose_code": "legal_supervision"}
    refused = client.post("/leads/export", data={**form, "purpose": "看看"})
    assert refused.status_code == 422
    clear = client.post("/leads/export", data={**form, "purpose": "移送公安机关前核对被害人信息"})
    row = next(r for r in csv.DictReader(io.StringIO(clear.text.lstrip("\ufeff"))) if r["lead_id"] == lead)
    assert VICTIM in row["subject"]
    entry = _last_audit(web, "lead.export")
    assert entry.purpose == "legal_supervision: 移送公安机关前核对被害人信息"


def test_the_graph_opens_one_hop_at_a_time_with_match_probabilities(web: WebWorld) -> None:
    lead = web.lead()
    client = _client(web, "handler_a")
    first = client.get(f"/leads/{lead}/graph").json()
    ids = {n["id"] for n in first["nodes"]}
    assert ids == {"r:police_reports:PR-1", "e:P-1", "e:P-2"}
    assert {e["probability"] for e in first["edges"]} == {1.0, 0.93}
    assert VICTIM not in str(first) and "王某" in str(first)
    more = client.get(f"/leads/{lead}/graph", params={"node": "e:P-1"}).json()
    assert "r:police_reports:PR-2" in {n["id"] for n in more["nodes"]}
    assert client.get(f"/leads/{lead}/graph", params={"node": "bogus"}).status_code == 422


def test_audit_viewer_verify_and_who_can_see(web: WebWorld) -> None:
    lead = web.lead()
    auditor = _client(web, "auditor_prov")
    page = auditor.get("/audit")
    assert page.status_code == 200 and "auth.login" in page.text
    verified = auditor.post("/audit/verify", data={"csrf": csrf_of(page.text)})
    assert "审计日志完整" in verified.text
    admin = _client(web, "admin_prov")
    answer = admin.get(f"/audit?lead={lead}")
    readers = answer.text.split('id="readers"')[1]
    for user in ("handler_a", "head_crim", "chief_a", "chief_city", "analyst_prov"):
        assert f"<td>{user}</td>" in readers
    assert "handler_sib" not in readers and "auditor_prov" not in readers
    assert _client(web, "handler_a").get("/audit").status_code == 403


def test_models_and_data_pages(web: WebWorld) -> None:
    analyst = _client(web, "analyst_prov")
    models = analyst.get("/models")
    assert models.status_code == 200 and "法律依据" in models.text and "model-false-litigation" in models.text
    one = analyst.get("/models/unfiled-online-defamation")
    assert one.status_code == 200 and "SELECT" in one.text.upper()
    assert analyst.get("/models/no-such-model").status_code == 404
    data = analyst.get("/data")
    assert data.status_code == 200 and "隔离区" in data.text
    # the batch's finish time is shown in Beijing time with the zone named, not as stored (UTC)
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d 北京时间</td>", data.text)
    assert _client(web, "handler_a").get("/data").status_code == 403


def test_english_switch(web: WebWorld) -> None:
    client = _client(web, "handler_a")
    client.get("/lang/en?next=/leads", follow_redirects=False)
    page = client.get("/leads")
    assert "Lead queue" in page.text and "线索列表" not in page.text
    assert client.get("/lang/xx?next=//evil.example", follow_redirects=False).headers["location"] == "/"
    assert PASSWORD not in page.text


def test_out_of_range_page_numbers_and_ids_are_refused_not_a_server_error(web: WebWorld) -> None:
    """A page number whose offset overflows the store's integers, and ids above PostgreSQL's
    32-bit keys, are a 4xx on every page (the same bounds as the API), never a 500."""
    auditor = _client(web, "auditor_prov")
    assert auditor.get("/audit", params={"page": 10**20}).status_code == 422
    assert auditor.get("/audit", params={"page": 0}).status_code == 422
    handler = _client(web, "handler_a")
    page = handler.get("/inbox")
    token = csrf_of(page.text)
    for path in (f"/inbox/{2**31}/read", f"/replies/{2**31}/verify"):
        assert handler.post(path, data={"csrf": token}).status_code == 422, path
