"""The governance report: a real PDF from a real warehouse and operational store, reproducible."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.db import session_scope
from procura.errors import InvalidInput
from procura.migrations import open_store
from procura.reports.service import governance_report

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
