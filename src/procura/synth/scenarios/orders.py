"""Planted cases for ``price-discrimination`` (model 7).

Each planted SKU gets one (city, day) group of orders by *new* users
(registered 1-20 days before) and *established* users (400-1500 days before);
prices are laid out deterministically so that significance and gap are far
from their thresholds whatever Mann-Whitney variant a model uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procura.synth.population import Population
from procura.synth.truth import ref
from procura.synth.world import World

MODEL = "price-discrimination"


def _prices(n: int, lo: float, hi: float, base: float) -> np.ndarray:
    return np.round(base * np.linspace(lo, hi, n), 2)


def _group(
    world: World,
    platform: pd.Series,
    sku: str,
    city: str,
    day: pd.Timestamp,
    prices: np.ndarray,
    reg_days: tuple[int, int],
) -> pd.DataFrame:
    n = len(prices)
    rng = world.rng
    ordered = day + pd.to_timedelta(9 * 3600 + rng.permutation(n) * 600 + rng.integers(0, 500, n), unit="s")
    registered = ordered - pd.to_timedelta(
        rng.integers(reg_days[0] * 86400, reg_days[1] * 86400, n), unit="s"
    )
    return pd.DataFrame(
        {
            "order_id": world.keys("PO-", n, width=9),
            "platform_uscc": platform["uscc"],
            "platform_name": platform["name"],
            "user_ref": world.keys("UR-", n),
            "user_registered_at": registered,
            "member_level": "黄金" if reg_days[0] > 300 else "普通",
            "device_os": rng.choice(["ios", "android"], n),
            "city_code": city,
            "sku": sku,
            "ordered_at": ordered.floor("s"),
            "list_price": float(prices.max()),
            "paid_price": prices,
            "coupon_amount": np.round(prices.max() - prices, 2),
            "channel": "app",
            "_e_platform": platform["entity"],
        }
    )


NEW = (1, 20)
ESTABLISHED = (400, 1500)
MIDDLE = (200, 320)
# (label, groups: [(new prices, established prices, established registration, city index)], is violation)
Spec = tuple[int, float, float] | None
Group = tuple[Spec, Spec, tuple[int, int], int]
PLANS: list[tuple[str, list[Group], bool]] = [
    (
        "established users pay 12% more (25 v 25 orders)",
        [((25, 0.98, 1.02), (25, 1.10, 1.14), ESTABLISHED, 0)],
        True,
    ),
    (
        "established users pay 6% more (22 new v 30 established orders)",
        [((22, 0.99, 1.01), (30, 1.05, 1.07), ESTABLISHED, 0)],
        True,
    ),
    ("significant but only a 3% gap", [((25, 0.99, 1.01), (25, 1.025, 1.035), ESTABLISHED, 0)], False),
    ("12% gap but only 19 established orders", [((25, 0.98, 1.02), (19, 1.10, 1.14), ESTABLISHED, 0)], False),
    ("10% median gap but not significant (wide spread)", [(None, None, ESTABLISHED, 0)], False),
    (
        "12% gap, but the 'established' users registered 200-320 days before (not 365)",
        [((25, 0.98, 1.02), (25, 1.10, 1.14), MIDDLE, 0)],
        False,
    ),
    ("no gap in a large group", [((30, 0.95, 1.05), (30, 0.95, 1.05), ESTABLISHED, 0)], False),
    (
        "12% gap only when two cities (or days) are pooled (12 + 12 per side)",
        [
            ((12, 0.98, 1.02), (12, 1.10, 1.14), ESTABLISHED, 0),
            ((12, 0.98, 1.02), (12, 1.10, 1.14), ESTABLISHED, 1),
        ],
        False,
    ),
]


def _wide_spread(base: float) -> tuple[np.ndarray, np.ndarray]:
    """20 new prices 0.95-1.045; established 9 far below and 11 above: median +10%, U near n1*n2/2."""
    new = np.round(base * (0.95 + 0.005 * np.arange(20)), 2)
    est = np.round(base * np.concatenate([0.50 + 0.01 * np.arange(9), 1.10 + 0.01 * np.arange(11)]), 2)
    return new, est


def plant(world: World, pop: Population, instances: int) -> None:
    """Plant ``instances`` rounds of SKUs that are and are not leads."""
    cities = world.home.city.unique()
    for _ in range(instances):
        platform = pop.platforms.iloc[int(world.rng.integers(0, len(pop.platforms)))]
        day = pd.Timestamp(world.days_ago(int(world.rng.integers(20, 600))))
        for label, groups, is_violation in PLANS:
            sku = "SKU-" + world.keys("9", 1, 4)[0]
            base = float(np.round(world.rng.uniform(50, 500), 0))
            for new_spec, est_spec, est_reg, city_index in groups:
                city = str(cities[city_index % len(cities)])
                # A province with one city (Beijing, Shanghai …) splits the groups by day instead.
                when = day + pd.Timedelta(days=city_index // len(cities))
                if new_spec is None or est_spec is None:
                    new, est = _wide_spread(base)
                else:
                    new = _prices(new_spec[0], new_spec[1], new_spec[2], base)
                    est = _prices(est_spec[0], est_spec[1], est_spec[2], base)
                world.add_rows("platform_orders", _group(world, platform, sku, city, when, new, NEW))
                world.add_rows("platform_orders", _group(world, platform, sku, city, when, est, est_reg))
            anchor = [ref("platform_orders", platform_uscc=platform["uscc"], sku=sku)]
            if is_violation:
                world.truth.violation(
                    MODEL, anchor, anchor, {"kind": "org", "entity_id": platform["entity"]}, label
                )
            else:
                world.truth.near_miss(MODEL, anchor, label)
