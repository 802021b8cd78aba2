"""The governance report: a real PDF from a real warehouse and operational store, reproducible."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from procura.access.principal import SYSTEM
from procura.classes.service import list_classes
from procura.config import Settings
from procura.db import session_scope
from procura.errors import InvalidInput, NotFound
from procura.migrations import open_store
from procura.reports.service import governance_report, report_name

sys.path.insert(0, str(Path(__file__).parents[1] / "similar"))
from similar_world import FAMILY, add_reports


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "ws").ensure()
    add_reports(settings, FAMILY, "b1")
    return settings


def test_report_is_a_chinese_a4_pdf_and_reproducible(settings: Settings) -> None:
    sessions = open_store(settings)
    with session_scope(sessions) as session:
        pdf, facts = governance_report(settings, session, SYSTEM, "2025-01", "2025-06")
    with session_scope(sessions) as session:
        again, _ = governance_report(settings, session, SYSTEM, "2025-01", "2025-06")
    assert pdf == again
    reader = PdfReader(io.BytesIO(pdf))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    assert "社会治理数据报告" in text and "电信网络诈骗报案" in text
    assert facts.totals["telecom_fraud"]["total"] == 4  # four fraud reports fall in 2025-01..06
    assert facts.totals["cyber_defamation"]["total"] == 1


def test_bad_period_is_refused(settings: Settings) -> None:
    with session_scope(open_store(settings)) as session:
        for start, end in (("2025-13", "2026-01"), ("2026-01", "2025-01"), ("2010-01", "2026-01")):
            with pytest.raises(InvalidInput):
                governance_report(settings, session, SYSTEM, start, end)


def _class_store(settings: Settings):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).parents[1] / "classes"))
    from class_leads import add_lead

    sessions = open_store(settings)
    with session_scope(sessions) as session:
        for n, record in enumerate(["PR-A1", "PR-A2", "PR-A3"], start=1):
            add_lead(session, f"L-G{n}", record)
        add_lead(session, "L-G4", "PR-C1", "330212")
        add_lead(session, "L-G5", None, model_id="other-model")
    return sessions


def test_report_of_one_model_and_of_one_class(settings: Settings) -> None:
    sessions = _class_store(settings)
    with session_scope(sessions) as session:
        cid = list_classes(session, settings, SYSTEM, grouping="body")[0].id
        whole, _ = governance_report(settings, session, SYSTEM, "2025-01", "2026-12")
        pdf, facts = governance_report(
            settings, session, SYSTEM, "2025-01", "2026-12", model="unfiled-online-defamation"
        )
        cls_pdf, cls_facts = governance_report(settings, session, SYSTEM, "2025-01", "2026-12", class_id=cid)
        again, _ = governance_report(settings, session, SYSTEM, "2025-01", "2026-12", class_id=cid)
    assert cls_pdf == again  # reproducible
    assert facts.scope == "model" and facts.leads_by_model == {"unfiled-online-defamation": 4}
    assert facts.focus["leads"] == 4 and not facts.focus["members"]
    assert cls_facts.scope == "class" and cls_facts.scope_key == cid
    assert [m["lead"] for m in cls_facts.focus["members"]] == ["L-G1", "L-G2", "L-G3"]
    assert cls_facts.leads_by_model == {"unfiled-online-defamation": 3}
    assert report_name(cls_facts) == f"governance-330000-province-{cid}-2025-01-2026-12.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(cls_pdf)).pages).replace("\x00", "")
    assert "类案" in text and "L-G2" in text and "西湖区公安分局" in text
    assert whole != pdf != cls_pdf


def test_report_of_an_unknown_model_or_class_is_refused(settings: Settings) -> None:
    with session_scope(open_store(settings)) as session:
        with pytest.raises(NotFound):
            governance_report(settings, session, SYSTEM, "2025-01", "2025-06", model="no-such-model")
        with pytest.raises(NotFound):
            governance_report(settings, session, SYSTEM, "2025-01", "2025-06", class_id="K-000000000000")
        with pytest.raises(InvalidInput):
            governance_report(settings, session, SYSTEM, "2025-01", "2025-06", "m", "K-1")
