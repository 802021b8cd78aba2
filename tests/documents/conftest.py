"""A tiny in-memory warehouse and leads citing it, with hostile text planted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from procura.leads.orm import Lead

VICTIM_ID = "330106201203150021"  # a child born 2012-03-15
SUSPECT_ID = "33010619800101003X"
MINOR_SUSPECT_ID = "330106201001010011"
PHONE = "13912345678"
HOSTILE = "<b>&amp;</b> {{ evil }} {% if 1 %}x{% endif %} ]]> \x01\x0b"


@pytest.fixture
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    con.execute(
        """CREATE TABLE police_reports(report_id VARCHAR, region_code VARCHAR, police_unit VARCHAR,
        received_at DATE, offense_type VARCHAR, victim_name VARCHAR, victim_id_no VARCHAR,
        victim_birth_date DATE, victim_phone VARCHAR, suspect_name VARCHAR, suspect_id_no VARCHAR,
        description VARCHAR, views_count BIGINT, reposts_count BIGINT, filed BOOLEAN,
        not_filed_reason VARCHAR, _batch_id VARCHAR)"""
    )
    con.execute(
        "INSERT INTO police_reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            "PR-1",
            "330106",
            "杭州市公安局西湖区分局",
            date(2026, 3, 1),
            "online_defamation",
            "王小明",
            VICTIM_ID,
            date(2012, 3, 15),
            PHONE,
            "李四" + HOSTILE,
            SUSPECT_ID,
            f"王小明被造谣，身份证{VICTIM_ID}，电话{PHONE}，诊断S30.2 " + HOSTILE + "长" * 5000,
            12000,
            800,
            False,
            "情节轻微",
            "b1",
        ],
    )
    con.execute(
        "INSERT INTO police_reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            "PR-2",
            "330106",
            "西湖分局",
            date(2026, 3, 2),
            "online_insult",
            "欧阳娜娜",
            None,
            None,
            None,
            "赵小虎",
            MINOR_SUSPECT_ID,
            None,
            6000,
            10,
            False,
            None,
            "b1",
        ],
    )
    con.execute(
        """CREATE TABLE medical_visits(visit_id VARCHAR, hospital_uscc VARCHAR, hospital_name VARCHAR,
        region_code VARCHAR, patient_name VARCHAR, patient_id_no VARCHAR, patient_birth_date DATE,
        patient_sex VARCHAR, patient_phone VARCHAR, visit_date DATE, icd10 VARCHAR, diagnosis_text VARCHAR)"""
    )
    con.execute(
        "INSERT INTO medical_visits VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            "MV-1",
            "12330000470000000X",
            "杭州市某医院 & <诊所>",
            "330106",
            "陈小红",
            VICTIM_ID,
            date(2012, 3, 15),
            "F",
            PHONE,
            date(2026, 3, 14),
            "S30.2",
            "外阴挫伤 genital contusion",
        ],
    )
    yield con
    con.close()


def make_lead(
    evidence: list[dict], measure: str = "case_filing_notice", target: str = "杭州市公安局西湖区分局"
) -> Lead:
    """A lead as the models would store it (not persisted)."""
    return Lead(
        id="L-0001",
        fingerprint="f" * 64,
        model_id="unfiled-online-defamation",
        model_version="1",
        params={},
        anchor=evidence[:1],
        evidence=evidence,
        subject={"kind": "person", "entity_id": "P1"},
        target=target,
        region_code="330106",
        office="330106-county",
        prong="criminal",
        measure=measure,
        score=0.9,
        explanation_zh=f"王小明 {VICTIM_ID}",
        explanation_en="",
        details={},
        status="new",
    )


POLICE = [
    {"table": "police_reports", "key": {"report_id": "PR-1"}},
    {"table": "police_reports", "key": {"report_id": "PR-2"}},
]
MEDICAL = [{"table": "medical_visits", "key": {"visit_id": "MV-1"}}]


@pytest.fixture
def police_lead() -> Lead:
    """An unfiled-online-defamation lead citing both police reports."""
    return make_lead(POLICE)


@pytest.fixture
def medical_lead() -> Lead:
    """A mandatory-report-failure lead citing the hospital visit."""
    lead = make_lead(MEDICAL, measure="procuratorial_suggestion", target="杭州市西湖区卫生健康局")
    lead.model_id = "mandatory-report-failure"
    return lead


@pytest.fixture
def secrets() -> dict[str, str]:
    """Personal data planted in the warehouse that no document may show."""
    return {
        "victim_id": VICTIM_ID,
        "suspect_id": SUSPECT_ID,
        "minor_suspect_id": MINOR_SUSPECT_ID,
        "phone": PHONE,
        "victim_full_name": "王小明",
        "patient_full_name": "陈小红",
        "minor_suspect_full_name": "赵小虎",
        "diagnosis": "外阴挫伤",
        "icd": "S30.2",
    }
