"""A lead of ``unfiled-online-defamation`` for the class tests, stored with its workflow row."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from procura.leads.orm import Lead
from procura.workflow.scope import work_of


def add_lead(
    session: Session, lead_id: str, record: str | None, region: str = "330106", **fields: Any
) -> Lead:
    evidence = [{"table": "police_reports", "key": {"report_id": record}}] if record else []
    values: dict[str, Any] = {
        "id": lead_id,
        "fingerprint": lead_id.rjust(64, "0"),
        "model_id": "unfiled-online-defamation",
        "model_version": "1",
        "params": {},
        "anchor": evidence,
        "evidence": evidence,
        "subject": {},
        "target": "公安机关",
        "region_code": region,
        "office": f"{region}-county",
        "prong": "criminal",
        "measure": "case_filing_notice",
        "score": 0.9,
        "explanation_zh": "未立案",
        "explanation_en": "not filed",
        "details": {},
        "status": "new",
    }
    lead = Lead(**{**values, **fields})
    session.add(lead)
    session.flush()
    work_of(session, lead)
    return lead
