from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from model_toy import TOY_ID, TOY_RULE, TOY_SPEC, with_changes, write_model

from procura.engine.base import EngineError
from procura.engine.duckdb import DuckDBEngine
from procura.engine.fixture import fixture_connection
from procura.leads.fingerprint import fingerprint
from procura.models.build import LeadError, find_leads
from procura.models.explain import ExplanationError
from procura.models.loader import Model, load_model
from procura.models.testing import run_tests

AS_OF = date(2026, 6, 30)


def _report(rid: str, views: int = 6000, **extra: Any) -> dict[str, Any]:
    return {
        "report_id": rid,
        "region_code": "330110",
        "received_at": "2026-01-01",
        "offense_type": "online_defamation",
        "filed": False,
        "views_count": views,
        "victim_name": "张三",
        **extra,
    }


def _run(
    model: Model,
    reports: list[dict[str, Any]],
    mentions: list[dict[str, Any]] | None = None,
    params: dict[str, Any] | None = None,
):  # type: ignore[no-untyped-def]
    con = fixture_connection({"police_reports": reports, "mentions": mentions or []}, model.spec.tables)
    return find_leads(model, DuckDBEngine(con), AS_OF, params)


@pytest.fixture
def toy(tmp_path: Path) -> Model:
    return load_model(write_model(tmp_path))


def test_a_lead_carries_every_export_field(toy: Model) -> None:
    mention = {
        "table_name": "police_reports",
        "record_key": "R1",
        "role": "victim",
        "kind": "person",
        "entity_id": "P-1",
        "probability": 1.0,
    }
    (lead,) = _run(toy, [_report("R1")], [mention])
    anchor = [{"table": "police_reports", "key": {"report_id": "R1"}}]
    assert lead.anchor == anchor
    assert lead.fingerprint == fingerprint(TOY_ID, anchor)
    assert lead.evidence == anchor
    assert lead.subject == {"kind": "person", "entity_id": "P-1", "name": "张三"}
    assert lead.target == "公安机关 (public security organ)"
    assert (lead.region_code, lead.office) == ("330110", "330110-county")
    assert (lead.prong, lead.measure, lead.model_version) == ("criminal", "case_filing_notice", "1")
    assert lead.score == 0.6
    assert lead.params == {"min_views": 5000, "offenses": ["online_defamation", "online_insult"]}
    assert lead.explanation_zh == "报案R1浏览6000次，达到5000次却未立案。"
    assert lead.explanation_en.startswith("Report R1 was viewed 6000 times")
    assert lead.details == {"views_count": 6000, "received_at": "2026-01-01"}


def test_fingerprint_is_stable_and_independent_of_row_order(toy: Model) -> None:
    a = _run(toy, [_report("R1"), _report("R2")])
    b = _run(toy, [_report("R2"), _report("R1")])
    assert [x.fingerprint for x in a] == [x.fingerprint for x in b]
    assert len({x.fingerprint for x in a}) == 2


def test_default_office_is_at_the_region_level_and_kind_may_vary(tmp_path: Path) -> None:
    rule = TOY_RULE.replace("r.received_at\n", "r.received_at, 'org' AS subject_kind\n")
    model = load_model(write_model(tmp_path, rule=rule))
    leads = _run(model, [_report("R1", region_code="330100"), _report("R2", region_code="330000")])
    assert sorted(lead.office for lead in leads) == ["330000-province", "330100-city"]
    assert {lead.subject["kind"] for lead in leads} == {"org"}
    assert "subject_kind" not in leads[0].details


def test_rule_may_give_office_and_target(tmp_path: Path) -> None:
    rule = TOY_RULE.replace(
        "r.received_at\n", "r.received_at, '330000-province' AS office, '某公安局' AS target\n"
    )
    model = load_model(write_model(tmp_path, rule=rule))
    (lead,) = _run(model, [_report("R1")])
    assert (lead.office, lead.target) == ("330000-province", "某公安局")


@pytest.mark.parametrize(
    ("replace", "needle"),
    [
        (("LEAST(1.0, r.views_count / (2.0 * $min_views))", "2.0 + 0 * $min_views"), r"not in \[0, 1\]"),
        (("r.region_code,", "'33' AS region_code,"), "not 6 digits"),
        (("['police_reports:' || r.report_id]", "['nowhere:' || r.report_id]"), "unknown table 'nowhere'"),
        (
            ("['police_reports:' || r.report_id]", "['police_reports' || r.report_id]"),
            "not '<table>:<record key>'",
        ),
        (("[r.report_id] AS anchor_keys", "['X'] AS anchor_keys"), "share the anchor"),
        (("r.received_at\n", "r.received_at, 'zhejiang' AS office\n"), "office 'zhejiang'"),
    ],
)
def test_bad_output_rows_are_reported(tmp_path: Path, replace: tuple[str, str], needle: str) -> None:
    model = load_model(write_model(tmp_path, rule=TOY_RULE.replace(*replace)))
    with pytest.raises(LeadError, match=needle):
        _run(model, [_report("R1"), _report("R2")])


def test_an_empty_value_prints_as_a_dash(tmp_path: Path) -> None:
    spec = with_changes(explanation={"zh": "被害人：{{ subject_name }}", "en": "victim {{ subject_name }}"})
    model = load_model(write_model(tmp_path, spec))
    (lead,) = _run(model, [_report("R1", victim_name=None)])
    assert (lead.explanation_zh, lead.explanation_en) == ("被害人：—", "victim —")


def test_engine_errors_name_the_model_and_fail_the_case(tmp_path: Path) -> None:
    model = load_model(write_model(tmp_path, rule=TOY_RULE.replace("r.views_count,", "r.no_such_column,")))
    with pytest.raises(EngineError, match=r"model toy-unfiled: duckdb: .*no_such_column"):
        _run(model, [_report("R1")])
    (first, _) = run_tests(model)
    assert not first.passed and "EngineError" in first.describe()


def test_explanation_naming_an_unknown_column_fails(tmp_path: Path) -> None:
    spec = with_changes(explanation={"zh": "{{ no_such_column }}", "en": "x"})
    model = load_model(write_model(tmp_path, spec))
    with pytest.raises(ExplanationError, match="no_such_column"):
        _run(model, [_report("R1")])


def test_dated_parameter_records_the_value_in_force(tmp_path: Path) -> None:
    params = {k: dict(v) for k, v in TOY_SPEC["parameters"].items()}
    params["min_views"] = dict(
        params["min_views"],
        values=[{"from": "2026-03-01", "value": 8000, "citation": "amended 2026"}],
        event_date="r.received_at",
    )
    model = load_model(write_model(tmp_path, with_changes(parameters=params)))
    old = _report("OLD", views=6000, received_at="2026-02-28")
    new = _report("NEW", views=6000, received_at="2026-03-01")
    new_hit = _report("NEW2", views=8000, received_at="2026-03-01")
    leads = {lead.anchor[0]["key"]["report_id"]: lead for lead in _run(model, [old, new, new_hit])}
    assert set(leads) == {"OLD", "NEW2"}
    assert leads["OLD"].params["min_views"] == 5000
    assert leads["NEW2"].params["min_views"] == 8000
    assert "8000次" in leads["NEW2"].explanation_zh
    # an override replaces the whole schedule
    leads = _run(model, [old, new], params={"min_views": 6000})
    assert len(leads) == 2 and leads[0].params["min_views"] == 6000


def double_scores(rows: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """A postprocess hook for the test below: keeps rows above a parameter, halves scores."""
    assert isinstance(params["as_of"], date)
    kept = rows[rows["views_count"] >= params["min_views"] + 1000].copy()
    kept["score"] = kept["score"] / 2
    kept["note"] = "checked"
    return kept


def test_postprocess_hook_shapes_the_leads(tmp_path: Path) -> None:
    spec = with_changes(postprocess="test_models_build:double_scores")
    model = load_model(write_model(tmp_path, spec))
    leads = _run(model, [_report("R1", views=6000), _report("R2", views=5500)])
    assert [lead.anchor[0]["key"]["report_id"] for lead in leads] == ["R1"]
    assert leads[0].score == 0.3 and leads[0].details["note"] == "checked"


def test_run_tests_reports_pass_and_fail(tmp_path: Path, toy: Model) -> None:
    assert all(r.passed for r in run_tests(toy))
    tests = {
        "cases": [
            {
                "name": "wrong",
                "as_of": "2026-06-30",
                "tables": {"police_reports": [_report("R9")]},
                "expect": [["R8"]],
            }
        ]
    }
    model = load_model(write_model(tmp_path / "x", tests=tests))
    (result,) = run_tests(model)
    assert not result.passed
    assert result.describe() == "missing [R8]; unexpected [R9]"
