"""Property: whatever text the evidence holds, the DOCX opens and no identity number gets in."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import docx
import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procura.documents import draft
from procura.leads.orm import Lead

ID_NO = "11010519491231002X"
FIELDS = ("police_unit", "victim_name", "suspect_name", "description", "not_filed_reason")


def _lead() -> Lead:
    ref = [{"table": "police_reports", "key": {"report_id": "PR-H"}}]
    return Lead(
        id="L-H",
        fingerprint="h" * 64,
        model_id="m",
        model_version="1",
        params={},
        anchor=ref,
        evidence=ref,
        subject={},
        target="公安机关 (police)",
        region_code="330106",
        office="330106-county",
        prong="criminal",
        measure="case_filing_notice",
        score=0.5,
        explanation_zh="",
        explanation_en="",
        details={},
        status="new",
    )


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.fixed_dictionaries({field: st.text(max_size=400) for field in FIELDS}),
    where=st.sampled_from(FIELDS),
    position=st.integers(min_value=0, max_value=400),
    lang=st.sampled_from(["zh", "en"]),
)
def test_any_evidence_text_renders_and_never_shows_the_identity_number(texts, where, position, lang) -> None:
    values = dict(texts)
    values[where] = values[where][:position] + ID_NO + values[where][position:]
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE police_reports(report_id VARCHAR, police_unit VARCHAR, received_at DATE,"
        " offense_type VARCHAR, victim_name VARCHAR, suspect_name VARCHAR, description VARCHAR,"
        " views_count BIGINT, filed BOOLEAN, not_filed_reason VARCHAR)"
    )
    con.execute(
        "INSERT INTO police_reports VALUES ('PR-H', ?, ?, 'online_insult', ?, ?, ?, 9000, false, ?)",
        [
            values["police_unit"],
            date(2026, 1, 1),
            values["victim_name"],
            values["suspect_name"],
            values["description"],
            values["not_filed_reason"],
        ],
    )
    data = draft(_lead(), con, lang=lang, issued_on=date(2026, 6, 30)).data
    con.close()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        raw = re.sub(r"<[^>]+>", "", "".join(parts))
    assert ID_NO not in text and ID_NO not in raw
    assert ID_NO.lower() not in raw.lower()
