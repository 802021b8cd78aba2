"""The statistics step of price-discrimination: Mann-Whitney U and Benjamini-Hochberg."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procura.models.stats import benjamini_hochberg, mann_whitney_greater, price_discrimination

PARAMS = {"min_gap": 0.05, "alpha": 0.01, "as_of": date(2026, 6, 30)}


def _group(sku: str, established: list[float], new: list[float], city: str = "330100") -> dict:
    return {
        "platform_uscc": "P1", "sku": sku, "city_code": city, "order_date": date(2026, 6, 1),
        "established_prices": established, "new_prices": new,
        "established_orders": [f"{sku}-E{i}" for i in range(len(established))],
        "new_orders": [f"{sku}-N{i}" for i in range(len(new))],
        "platform_entity_id": "ORG-1", "platform_name": "某平台",
    }


def test_mann_whitney_is_one_sided() -> None:
    high, low = [110.0 + i for i in range(20)], [100.0 + i * 0.1 for i in range(20)]
    assert mann_whitney_greater(high, low) < 1e-6
    assert mann_whitney_greater(low, high) > 0.99


def test_benjamini_hochberg_matches_the_step_up_rule() -> None:
    p = [0.01, 0.04, 0.03, 0.20]
    # sorted: 0.01*4/1=0.04, 0.03*4/2=0.06, 0.04*4/3=0.0533 -> monotone 0.0533, 0.20*4/4=0.20
    assert benjamini_hochberg(p) == pytest.approx([0.04, 0.05333333, 0.05333333, 0.20])
    assert benjamini_hochberg([]) == []


def test_a_clear_gap_becomes_one_lead_with_its_statistics() -> None:
    rows = pd.DataFrame([_group("A", [106.0] * 20, [100.0] * 20)])
    leads = price_discrimination(rows, PARAMS)
    assert len(leads) == 1
    lead = leads.iloc[0]
    assert lead["anchor_keys"] == ["P1|A"]
    assert len(lead["evidence"]) == 40 and lead["region_code"] == "330100"
    assert lead["office"] == "330100-city"
    (group,) = lead["groups"]
    assert group["median_established"] == 106.0 and group["median_new"] == 100.0
    assert group["gap"] == pytest.approx(0.06) and group["p_adjusted"] <= 0.01
    assert 0.0 <= lead["score"] <= 1.0


def test_the_correction_runs_over_every_group_tested() -> None:
    """A group significant on its own (p ~ 0.005) is not once 40 null groups are tested beside it."""
    prices = list(np.linspace(90, 110, 20))
    borderline = _group("B", [p + 6 for p in prices], prices)
    alone = price_discrimination(pd.DataFrame([borderline]), PARAMS)
    nulls = [_group(f"N{i:02d}", prices, prices) for i in range(40)]
    crowded = price_discrimination(pd.DataFrame([borderline, *nulls]), PARAMS)
    assert [keys for keys in alone["anchor_keys"]] == [["P1|B"]]
    assert crowded.empty


def test_a_gap_exactly_at_the_minimum_counts() -> None:
    rows = pd.DataFrame([_group("A", [105.0] * 25, [100.0] * 25), _group("B", [104.99] * 25, [100.0] * 25)])
    leads = price_discrimination(rows, PARAMS)
    assert [keys for keys in leads["anchor_keys"]] == [["P1|A"]]


def test_no_groups_give_an_empty_frame_with_the_lead_columns() -> None:
    leads = price_discrimination(pd.DataFrame(), PARAMS)
    assert leads.empty and "anchor_keys" in leads.columns


# The NumPy tests against scipy.stats, the reference they were written from (ADR 0113).
_prices = st.lists(st.integers(0, 40).map(lambda c: 90.0 + c * 0.5), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(_prices, _prices)
def test_mann_whitney_equals_scipy(higher: list[float], lower: list[float]) -> None:
    from scipy.stats import mannwhitneyu

    expected = float(mannwhitneyu(higher, lower, alternative="greater").pvalue)
    got = mann_whitney_greater(higher, lower)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-15) or (np.isnan(got) and np.isnan(expected))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10).map(lambda d: d / 10), min_size=2, max_size=8, unique=True),
       st.lists(st.integers(1, 10).map(lambda d: d / 10), min_size=2, max_size=8, unique=True))
def test_mann_whitney_exact_branch_equals_scipy(higher: list[float], lower: list[float]) -> None:
    from scipy.stats import mannwhitneyu

    lower = [v + 0.05 for v in lower]  # no ties: the exact distribution
    expected = float(mannwhitneyu(higher, lower, alternative="greater").pvalue)
    assert mann_whitney_greater(higher, lower) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), max_size=40))
def test_benjamini_hochberg_equals_scipy(pvalues: list[float]) -> None:
    from scipy.stats import false_discovery_control

    expected = [float(p) for p in false_discovery_control(np.asarray(pvalues, float), method="bh")] \
        if pvalues else []
    assert benjamini_hochberg(pvalues) == pytest.approx(expected, rel=1e-12, abs=0)


def test_a_run_does_not_import_scipy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import pandas as pd; from procura.models.stats import price_discrimination as f;"
        "from tests.catalog.test_catalog_stats import _group, PARAMS;"
        "f(pd.DataFrame([_group('A', [106.0] * 20, [100.0] * 20)]), PARAMS);"
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
