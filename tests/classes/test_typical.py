"""A typical case drafts the next, shadow version of its model, loadable by the catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from class_leads import add_lead

from procura.access.principal import SYSTEM
from procura.classes.typical import draft_from_typical
from procura.config import Settings
from procura.db import session_scope
from procura.errors import Conflict
from procura.migrations import open_store
from procura.models.loader import BUILTIN_CATALOG, load_catalog

MODEL = "unfiled-online-defamation"


def test_typical_case_drafts_a_shadow_version(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(BUILTIN_CATALOG / MODEL, root / MODEL)
    settings = Settings(home=tmp_path / "ws").ensure()
    with session_scope(open_store(settings)) as session:
        params = {"decision_days": 30, "min_views": 3000, "min_reposts": 500}
        facts = {"views_count": 3200, "days_pending": 45}
        add_lead(session, "L-TY1", None, status="closed", params=params, details=facts)
        add_lead(session, "L-TY2", None, status="new", params=params, details=facts)
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
