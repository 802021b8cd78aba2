"""Statistics steps for models that need more than SQL.

``price_discrimination`` is the ``postprocess`` hook of the
``price-discrimination`` model (signature fixed by ADR 0400): it receives one
row per comparable order group from rule.sql and returns one row per lead.
It reads nothing but its arguments, so it runs unchanged after DuckDB or Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import comb, erfc, isnan, sqrt
from statistics import median
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# pandas is imported where used: the catalogue imports this module when it loads
# (to check the hook exists). The two tests below are written out in NumPy, the
# same computation as scipy.stats (``mannwhitneyu(alternative="greater")``,
# ``false_discovery_control(method="bh")``), because importing scipy.stats costs
# about 1.5 s of CPU on every run with groups to test (ADR 0113); a property test
# holds them equal to scipy.

# Medians of prices in yuan; a gap is compared with this tolerance so that
# 105 / 100 - 1 counts as reaching 5% despite binary floating point.
GAP_TOLERANCE = 1e-9

Found = list[tuple[dict[str, Any], dict[str, Any]]]  # (group statistics, input row) per significant group

LEAD_COLUMNS = ["anchor_keys", "evidence", "subject_entity_id", "subject_name", "region_code", "score"]


def _u_frequencies(n1: int, n2: int, max_u: int) -> np.ndarray:
    """P(U = u) for u in 0..max_u under the null, ``n1 <= n2`` (scipy's ``_MWU`` recursion)."""
    sigma = np.zeros(max_u + 1, dtype=np.int64)
    for d in range(1, n1 + 1):
        sigma[d::d] += d
    for d in range(n2 + 1, n2 + n1 + 1):
        sigma[d::d] -= d
    s_array = sigma[1:]
    configurations: np.ndarray = np.zeros(max_u + 1, dtype=np.uint64)
    configurations[0] = 1
    as_uint, uint_max = True, np.iinfo(np.uint64).max
    for u in range(1, max_u + 1):
        value = np.dot(configurations[:u], s_array[u - 1 :: -1]) / u
        if value > uint_max and as_uint:
            configurations = configurations.astype(float)
            as_uint = False
        configurations[u] = value
    return configurations / float(comb(n1 + n2, n1))


def _exact_sf(u: int, n1: int, n2: int) -> float:
    """P(U >= u) of the exact null distribution (no tie correction), as scipy computes it."""
    n1, n2 = min(n1, n2), max(n1, n2)
    complement = n1 * n2 - u
    if u < complement:
        pmf = _u_frequencies(n1, n2, u)
        return float(1.0 - np.cumsum(pmf)[u] + pmf[u])
    return float(np.cumsum(_u_frequencies(n1, n2, complement))[complement])


def mann_whitney_greater(higher: Sequence[float], lower: Sequence[float]) -> float:
    """One-sided Mann-Whitney U p-value for ``higher`` tending to exceed ``lower``.

    scipy.stats.mannwhitneyu(higher, lower, alternative="greater") with its
    defaults: exact when a sample has at most 8 values and nothing is tied,
    else the normal approximation with tie and continuity correction.
    """
    x, y = np.asarray(higher, float), np.asarray(lower, float)
    n1, n2 = len(x), len(y)
    _, inverse, ties = np.unique(np.concatenate([x, y]), return_inverse=True, return_counts=True)
    average_rank = np.cumsum(ties) - (ties - 1) / 2.0
    u1 = float(np.sum(average_rank[inverse[:n1]]) - n1 * (n1 + 1) / 2)
    if (n1 <= 8 or n2 <= 8) and not np.any(ties > 1):
        p = _exact_sf(round(u1), n1, n2)
    else:
        n = n1 + n2
        t = ties.astype(float)
        s = sqrt(n1 * n2 / 12 * ((n + 1) - float(np.sum(t**3 - t)) / (n * (n - 1))))
        numerator = u1 - n1 * n2 / 2 - 0.5
        with np.errstate(divide="ignore", invalid="ignore"):
            z = float(np.float64(numerator) / np.float64(s))
        p = 0.5 * erfc(z / sqrt(2.0)) if not isnan(z) else z
    return float(min(max(p, 0.0), 1.0)) if not isnan(p) else p


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values, in the order given."""
    ps = np.asarray(pvalues, float)
    if ps.size <= 1:
        return [float(p) for p in ps]
    order = np.argsort(ps)
    adjusted = ps[order] * (ps.size / np.arange(1, ps.size + 1, dtype=float))
    np.minimum.accumulate(adjusted[::-1], out=adjusted[::-1])
    result = np.empty_like(adjusted)
    result[order] = adjusted
    return [float(p) for p in np.clip(result, 0.0, 1.0)]


def _group_record(row: dict[str, Any], p_value: float, p_adjusted: float) -> dict[str, Any]:
    established = [float(x) for x in row["established_prices"]]
    new = [float(x) for x in row["new_prices"]]
    established_median, new_median = median(established), median(new)
    return {
        "city_code": row["city_code"],
        "order_date": str(row["order_date"]),
        "n_established": len(established),
        "n_new": len(new),
        "median_established": round(established_median, 2),
        "median_new": round(new_median, 2),
        "gap": round(established_median / new_median - 1, 6) if new_median > 0 else None,
        "p_value": p_value,
        "p_adjusted": p_adjusted,
    }


def price_discrimination(rows: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """Leads of ``(platform_uscc, sku)`` with a significant price gap against established users.

    Every input row is a group that was tested (enough orders on both sides).
    A group counts when the established median exceeds the new median by at
    least ``min_gap`` and its Benjamini-Hochberg adjusted p-value (over all
    groups tested in this run) is at most ``alpha``.
    """
    import pandas as pd

    if rows.empty:
        return pd.DataFrame(columns=LEAD_COLUMNS)
    tested = rows.sort_values(["platform_uscc", "sku", "city_code", "order_date"]).to_dict(orient="records")
    p_values = [mann_whitney_greater(r["established_prices"], r["new_prices"]) for r in tested]
    adjusted = benjamini_hochberg(p_values)
    significant: dict[tuple[str, str], Found] = {}
    for row, p_value, p_adjusted in zip(tested, p_values, adjusted, strict=True):
        group = _group_record(row, p_value, p_adjusted)
        gap = group["gap"]
        if gap is None or gap + GAP_TOLERANCE < params["min_gap"] or group["p_adjusted"] > params["alpha"]:
            continue
        significant.setdefault((row["platform_uscc"], row["sku"]), []).append((group, row))
    leads = [_lead(key, found, len(tested)) for key, found in sorted(significant.items())]
    return pd.DataFrame(leads, columns=None if leads else LEAD_COLUMNS)


def _lead(key: tuple[str, str], found: Found, tested: int) -> dict[str, Any]:
    """One lead from the significant groups of one ``(platform_uscc, sku)``."""
    platform_uscc, sku = key
    groups = [group for group, _ in found]
    orders = sorted({o for _, row in found for o in [*row["established_orders"], *row["new_orders"]]})
    strongest = min(groups, key=lambda g: (g["p_adjusted"], -g["gap"]))
    city = str(strongest["city_code"])
    first = found[0][1]
    max_gap = max(g["gap"] for g in groups)
    return {
        "anchor_keys": [f"{platform_uscc}|{sku}"],
        "evidence": [f"platform_orders:{o}" for o in orders],
        "subject_entity_id": first["platform_entity_id"],
        "subject_name": first["platform_name"],
        "region_code": strongest["city_code"],
        # A city code (XXXX00) is served by the city procuratorate, not a county one.
        "office": f"{city}-city" if city.endswith("00") else f"{city}-county",
        "score": min(1.0, 0.5 + 2.0 * max_gap),
        "platform_uscc": platform_uscc,
        "sku": sku,
        "groups": groups,
        "groups_significant": len(groups),
        "groups_tested": tested,
        "max_gap": max_gap,
        "min_p_adjusted": strongest["p_adjusted"],
    }


# The built-in postprocess hooks, by the name a model.yaml gives.
HOOKS: dict[str, Callable[[pd.DataFrame, dict[str, Any]], pd.DataFrame]] = {
    "price_discrimination": price_discrimination,
}
