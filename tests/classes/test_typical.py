"""A typical case drafts the next, shadow version of its model, loadable by the catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from procura.access.principal import SYSTEM
from procura.classes.typical import draft_from_typical
from procura.config import Settings
from procura.db import session_scope
from procura.errors import Conflict
from procura.leads.orm import Lead
from procura.migrations import open_store
from procura.models.loader import BUILTIN_CATALOG, load_catalog
from procura.workflow.scope import work_of

MODEL = "unfiled-online-defamation"


def _lead(status: str, number: int) -> Lead:
    return Lead(
        id=f"L-TY{number}",
        fingerprint=f"{number:064d}",
        model_id=MODEL,
        model_version="1",
        params={"decision_days": 30, "min_views": 3000, "min_reposts": 500},
        anchor=[],
        evidence=[],
        subject={},
        target="公安机关",
        region_code="330106",
        office="330106-county",
        prong="criminal",
        measure="case_filing_notice",
        score=0.9,
        explanation_zh="未立案",
        explanation_en="not filed",
        details={"views_count": 3200, "days_pending": 45},
        status=status,
    )


def test_typical_case_drafts_a_shadow_version(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(BUILTIN_CATALOG / MODEL, root / MODEL)
    settings = Settings(home=tmp_path / "ws").ensure()
    with session_scope(open_store(settings)) as session:
        for number, status in ((1, "closed"), (2, "new")):
            lead = _lead(status, number)
            session.add(lead)
            session.flush()
            work_of(session, lead)
        catalog = load_catalog([root], builtin=False)
        draft = draft_from_typical(session, SYSTEM, catalog, "L-TY1", note="典型案例")
        assert draft.version == "2"
        assert draft.parameters == {"min_views": {"from": 5000, "to": 3000}}
        with pytest.raises(Conflict, match="handled"):
            draft_from_typical(session, SYSTEM, catalog, "L-TY2")
    reloaded = load_catalog([root], builtin=False)
    assert not reloaded.errors
    shadow = reloaded.shadow(MODEL)
    assert shadow.version == "2"
    record = json.loads((Path(draft.path) / "typical-case.json").read_text(encoding="utf-8"))
    assert record["typical_case"] == "L-TY1" and record["facts"]["views_count"] == 3200
    assert (Path(draft.path) / "rule.sql").read_text() == (root / MODEL / "rule.sql").read_text()
