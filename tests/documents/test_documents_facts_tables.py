"""Every evidence table reads as a sentence, in both languages, without personal data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from procura.documents.facts import fact_sentences
from procura.warehouse.evidence import EvidenceRow

CHILD_ID = "330106201203150021"  # born 2012-03-15
ADULT_ID = "33010619800101003X"
PHONE = "13912345678"

ROWS = [
    EvidenceRow(
        "admin_penalties",
        {"penalty_id": "AP-1"},
        {
            "penalty_id": "AP-1",
            "agency_type": "market_regulation",
            "decided_at": date(2026, 1, 5),
            "party_type": "person",
            "party_name": "刘大海",
            "party_id_no": ADULT_ID,
            "violation_type": "personal_info_violation",
            "illegal_gain": Decimal("6000.00"),
            "records_count": 8000,
            "fine_amount": Decimal("10000"),
            "transferred": False,
        },
    ),
    EvidenceRow(
        "criminal_cases",
        {"case_no": "C-1", "suspect_key": "S1"},
        {
            "case_no": "C-1",
            "suspect_key": "S1",
            "charge": "telecom_fraud",
            "stage": "judged",
            "decision_date": date(2026, 2, 1),
            "suspect_name": "孙小年",
            "suspect_id_no": "330106201001010011",
            "illegal_gain": Decimal("50000"),
            "victims_count": 3,
        },
    ),
    EvidenceRow(
        "criminal_case_victims",
        {"case_no": "C-1", "victim_key": "V1"},
        {
            "case_no": "C-1",
            "victim_key": "V1",
            "victim_name": "周老太",
            "victim_id_no": "330106195001010023",
            "victim_phone": PHONE,
            "disability": True,
            "loss_amount": Decimal("20000"),
        },
    ),
    EvidenceRow(
        "court_cases",
        {"case_no": "M-1"},
        {
            "case_no": "M-1",
            "court_code": "西湖法院",
            "case_type": "civil",
            "cause": "private_lending",
            "filed_at": date(2025, 5, 1),
            "closed_at": date(2025, 5, 20),
            "closing_method": "mediation",
            "summary": f"原告电话{PHONE}，住址某路1号",
        },
    ),
    EvidenceRow(
        "court_parties",
        {"case_no": "M-1", "party_key": "P1"},
        {
            "case_no": "M-1",
            "party_key": "P1",
            "role": "plaintiff",
            "name": "钱多多",
            "id_no": ADULT_ID,
            "phone": PHONE,
            "address": "杭州市西湖区某路1号",
        },
    ),
    EvidenceRow(
        "app_reports",
        {"report_id": "AR-1"},
        {
            "report_id": "AR-1",
            "app_name": "快乐学",
            "operator_name": "某科技有限公司",
            "region_code": "330106",
            "reported_at": date(2026, 4, 1),
            "issue_type": "minors_info",
            "users_affected": 1200,
            "description": f"收集儿童身份证{CHILD_ID}",
        },
    ),
    EvidenceRow(
        "platform_orders",
        {"order_id": "O-1"},
        {
            "order_id": "O-1",
            "platform_uscc": "91330000MA00000000",
            "platform_name": "某商城",
            "user_ref": "U-77",
            "city_code": "330100",
            "sku": "SKU-9",
            "ordered_at": datetime(2026, 5, 1, 10, 0),
            "list_price": Decimal("100"),
            "paid_price": Decimal("98.5"),
        },
    ),
]
SECRETS = (
    CHILD_ID,
    ADULT_ID,
    "330106201001010011",
    "330106195001010023",
    PHONE,
    "某路1号",
    "U-77",
    "周老太",
    "孙小年",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_reads_as_one_sentence_without_personal_data(lang: str) -> None:
    sentences = fact_sentences(ROWS, lang)
    assert len(sentences) == len(ROWS)
    text = "\n".join(sentences)
    for secret in SECRETS:
        assert secret not in text, secret
    assert "{" not in text and "}" not in text  # every placeholder was filled


def test_chinese_sentences_name_what_the_addressee_acts_on() -> None:
    penalty, case, victim, court, party, app, order = fact_sentences(ROWS, "zh")
    assert "市场监督管理部门对刘大海" in penalty and "未移送公安机关" in penalty and "6,000.00元" in penalty
    assert "孙某" in case and "电信网络诈骗" in case  # the suspect was 16 at the decision
    assert "涉及个人信息不详，被害人3人" in case  # a missing count reads 不详, without a measure word
    assert "周某" in victim and "76周岁" in victim and "残疾人" in victim and "20,000.00元" in victim
    assert "调解" in court and "民间借贷纠纷" in court and "［已隐去］" in court
    assert "原告：钱多多" in party
    assert "快乐学" in app and "违规处理未成年人个人信息" in app and "西湖区" in app
    assert "SKU-9" in order and "98.50元" in order and "杭州市" in order
