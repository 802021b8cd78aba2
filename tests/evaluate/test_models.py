"""Scoring leads against planted violations: matching by shared anchor record, near-misses, duplicates."""

from __future__ import annotations

from typing import Any

import pytest

from procura.evaluate.models import score_model, score_models


def _a(table: str, **key: str) -> dict[str, Any]:
    return {"table": table, "key": key}


PLANTED = {
    "violations": [
        {"anchor": [_a("criminal_cases", case_no="C1")], "note": "case level", "needs_er": True},
        {"anchor": [_a("criminal_cases", case_no="C2")], "note": "second"},
        {
            "anchor": [_a("app_reports", report_id="R1"), _a("app_reports", report_id="R2")],
            "note": "operator",
        },
    ],
    "near_misses": [{"anchor": [_a("criminal_cases", case_no="C9")], "reason": "4999 records"}],
}


def _lead(lead_id: str, *anchor: dict[str, Any], model: str = "m") -> dict[str, Any]:
    return {"lead_id": lead_id, "model_id": model, "anchor": list(anchor)}


def test_perfect_leads_score_one() -> None:
    leads = [
        _lead("a", _a("criminal_cases", case_no="C1")),
        _lead("b", _a("criminal_cases", case_no="C2")),
        _lead("c", _a("app_reports", report_id="R2")),
    ]
    score = score_model("m", PLANTED, leads)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.found == 3 and not score.missed and score.er_found == 1


def test_row_level_anchor_matches_case_level_truth_and_vice_versa() -> None:
    leads = [_lead("a", _a("criminal_cases", case_no="C1", suspect_key="S2"))]
    assert score_model("m", PLANTED, leads).found == 1
    truth = {"violations": [{"anchor": [_a("criminal_cases", case_no="C1", suspect_key="S1")]}]}
    assert score_model("m", truth, [_lead("x", _a("criminal_cases", case_no="C1"))]).found == 1
    assert (
        score_model("m", truth, [_lead("x", _a("criminal_cases", case_no="C1", suspect_key="S2"))]).found == 0
    )


def test_false_leads_carry_the_near_miss_label_and_duplicates_cost_precision() -> None:
    leads = [
        _lead("a", _a("criminal_cases", case_no="C1")),
        _lead("dup", _a("criminal_cases", case_no="C1")),
        _lead("nm", _a("criminal_cases", case_no="C9")),
        _lead("x", _a("criminal_cases", case_no="C77")),
    ]
    score = score_model("m", PLANTED, leads)
    assert score.found == 1 and score.duplicates == 1
    assert [f["near_miss"] for f in score.false_leads] == ["4999 records", None]
    assert score.near_miss_flagged == 1
    assert score.precision == pytest.approx(1 / 4)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert {m["note"] for m in score.missed} == {"second", "operator"}


def test_other_tables_and_other_models_do_not_match() -> None:
    leads = [
        _lead("a", _a("court_cases", case_no="C1")),
        _lead("b", _a("criminal_cases", case_no="C2"), model="z"),
    ]
    scores = {s.model_id: s for s in score_models({"models": {"m": PLANTED}}, leads)}
    assert scores["m"].found == 0 and len(scores["m"].false_leads) == 1
    assert scores["z"].planted == 0 and len(scores["z"].false_leads) == 1
    assert scores["z"].recall is None and scores["z"].precision == 0.0


def test_no_leads_means_no_precision_and_zero_recall() -> None:
    score = score_model("m", PLANTED, [])
    assert score.precision is None and score.recall == 0.0 and score.f1 is None
