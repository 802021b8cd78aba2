"""app-pi-violations proposes the office covering every complaint region."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from procura.engine.duckdb import DuckDBEngine
from procura.engine.fixture import fixture_connection
from procura.models.build import find_leads
from procura.models.loader import Model, load_catalog


@pytest.fixture(scope="module")
def model() -> Model:
    return load_catalog().get("app-pi-violations")


Rows = dict[str, list[dict[str, Any]]]


def _operator_reports(regions: list[str], operator_region: str | None = None) -> Rows:
    reports: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for i, region in enumerate(regions):
        reports.append({"report_id": f"R{i}", "app_name": "快看", "operator_region_code": operator_region,
                        "region_code": region, "reported_at": f"2026-0{i + 1}-01", "issue_type": "leakage"})
        mentions.append({"table_name": "app_reports", "record_key": f"R{i}", "role": "operator",
                         "kind": "org", "entity_id": "OP1"})
    return {"app_reports": reports, "mentions": mentions}


@pytest.mark.parametrize(
    ("regions", "operator_region", "office"),
    [
        (["330110", "330106", "330110", "330106", "330110"], None, "330100-city"),
        (["330110", "330206", "330110", "330206", "330110"], None, "330000-province"),
        (["330110", "310104", "310104", "330110", "310115"], "330106", "330000-province"),
        (["330110", "310104", "310104", "330110", "310115"], None, "310000-province"),
    ],
    ids=["one city", "one province", "cross-province, operator seat known", "cross-province, most reports"],
)
def test_office_is_the_lowest_level_covering_all_reports(
    model: Model, regions: list[str], operator_region: str | None, office: str
) -> None:
    con = fixture_connection(_operator_reports(regions, operator_region), model.spec.tables)
    leads = find_leads(model, DuckDBEngine(con), date(2026, 6, 30))
    assert [lead.office for lead in leads] == [office]
    assert leads[0].region_code == office.split("-")[0]
    assert f"proposed office: {office}" in leads[0].explanation_en


def test_minors_reports_in_one_county_stay_with_the_county(model: Model) -> None:
    rows = _operator_reports(["330110", "330110"])
    for row in rows["app_reports"]:
        row["issue_type"] = "minors_info"
    con = fixture_connection(rows, model.spec.tables)
    leads = find_leads(model, DuckDBEngine(con), date(2026, 6, 30))
    assert [(lead.office, lead.region_code) for lead in leads] == [("330110-county", "330110")]
    assert "未成年人" in leads[0].explanation_zh
