"""Leads read from the workspace's lead store (the ops database), as `procura evaluate` does by default."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from procura.config import Settings
from procura.db import session_scope
from procura.evaluate import EvaluationInputError, evaluate
from procura.leads.fingerprint import fingerprint, lead_id
from procura.leads.orm import Lead, ModelRun
from procura.migrations import open_store

TRUTH = {
    "as_of": "2026-06-30",
    "models": {
        "unfiled-online-defamation": {
            "violations": [
                {"anchor": [{"table": "police_reports", "key": {"report_id": "PR-1"}}], "note": "v"}
            ],
            "near_misses": [
                {"anchor": [{"table": "police_reports", "key": {"report_id": "PR-2"}}], "reason": "filed"}
            ],
        }
    },
    "mentions": [],
}


def _lead(report_id: str, run_id: int) -> Lead:
    anchor = [{"table": "police_reports", "key": {"report_id": report_id}}]
    fp = fingerprint("unfiled-online-defamation", anchor)
    return Lead(
        id=lead_id(fp),
        fingerprint=fp,
        model_id="unfiled-online-defamation",
        model_version="1",
        params={},
        anchor=anchor,
        evidence=anchor,
        subject={},
        target="公安机关",
        region_code="330106",
        office="330106-county",
        prong="criminal",
        measure="case_filing_supervision",
        score=0.5,
        explanation_zh="说明",
        explanation_en="explanation",
        first_run_id=run_id,
        last_run_id=run_id,
    )


def test_leads_come_from_the_store(settings: Settings, tmp_path: Path) -> None:
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps(TRUTH), encoding="utf-8")
    with pytest.raises(EvaluationInputError, match="--leads"):
        evaluate(truth, settings=settings)
    with session_scope(open_store(settings)) as session:
        run = ModelRun(
            model_id="unfiled-online-defamation",
            model_version="1",
            engine="duckdb",
            as_of=date(2026, 6, 30),
            params={},
        )
        session.add(run)
        session.flush()
        session.add_all([_lead("PR-1", run.id), _lead("PR-2", run.id)])
    result = evaluate(truth, settings=settings)
    score = result.models[0]
    assert (score.found, len(score.false_leads), score.false_leads[0]["near_miss"]) == (1, 1, "filed")
    assert result.linkage is None and "lead store" in result.leads_source
