"""Trend counts and alerts on a real DuckDB warehouse, within the principal's jurisdiction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from procura.access.principal import SYSTEM, Principal
from procura.config import Settings
from procura.errors import InvalidInput
from procura.trends.service import alerts, trend
from procura.warehouse.connection import connect

NINGBO = Principal(2, "n", "330200-city", "criminal", "handler")


@pytest.fixture
def workspace(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "ws").ensure()
    rng = np.random.default_rng(7)
    rows = []
    for m in range(36):
        year, month = 2023 + m // 12, m % 12 + 1
        rate = 40 if m >= 28 else 20  # 330106 doubles from 2025-05
        for region, lam in (("330106", rate), ("330212", 3)):
            for _ in range(int(rng.poisson(lam))):
                day = date(year, month, 1 + len(rows) % 27)
                rows.append({"report_id": f"PR-{len(rows)}", "region_code": region, "received_at": day})
    frame = pd.DataFrame(rows).assign(offense_type="online_defamation", filed=False, _batch_id="b1")
    con = connect(settings)
    con.register("frame", frame)
    con.execute("INSERT INTO police_reports BY NAME SELECT * FROM frame")
    con.close()
    return settings


def test_counts_by_region_and_scope(workspace: Settings) -> None:
    result = trend(workspace, SYSTEM, "cyber_defamation", level="county")
    assert result.periods[0] == "2023-01" and result.periods[-1] == "2025-12"
    assert {r.region_code for r in result.rows} == {"330106", "330212"}
    city = trend(workspace, NINGBO, "cyber_defamation", level="city")
    assert [r.region_code for r in city.rows] == ["330200"]
    assert city.rows[0].total == next(r.total for r in result.rows if r.region_code == "330212")


def test_alert_on_the_doubling_region_only(workspace: Settings) -> None:
    found = alerts(workspace, SYSTEM, ["cyber_defamation"], level="county")
    assert [(a.region_code, a.rise_from <= a.period) for a in found] == [("330106", True)]
    assert "2025-05" <= found[0].period <= "2025-07"
    assert found[0].p_value < 0.01
    assert alerts(workspace, NINGBO, ["cyber_defamation"], level="county") == []


def test_bad_input_and_empty_period(workspace: Settings) -> None:
    with pytest.raises(InvalidInput, match="unknown series"):
        trend(workspace, SYSTEM, "nope")
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        trend(workspace, SYSTEM, "cyber_defamation", start="2025-13")
    with pytest.raises(InvalidInput, match="dimensions"):
        trend(workspace, SYSTEM, "cyber_defamation", by="colour")
    empty = trend(workspace, SYSTEM, "cyber_defamation", start="2019-01", end="2019-06")
    assert empty.rows == [] and "no records" in empty.note
