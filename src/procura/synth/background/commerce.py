"""Background app reports and platform orders (vectorized).

Invariants: an app operator gets at most three reports and at most one
``minors_info`` report, and no operator is the platform of a criminal case;
orders spread over so many (sku, city, day) groups that no group reaches the
20-orders-per-side size the price test needs, and prices never depend on the
user's registration age.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procura.synth.population import Population, org_columns
from procura.synth.world import World, pick, scaled

ISSUES = {
    "over_collection": 0.35,
    "leakage": 0.15,
    "no_consent": 0.25,
    "minors_info": 0.1,
    "price_discrimination": 0.05,
    "other": 0.1,
}
COUPONS = np.array([0, 0, 0, 2, 5, 10])


def app_reports(world: World, pop: Population) -> None:
    """Complaints about apps, at most three per operator."""
    rng = world.rng
    ops = pop.operators
    n = min(scaled(world, 600), 3 * len(ops))
    slot = rng.choice(3 * len(ops), size=n, replace=False)
    op = ops.iloc[slot // 3].reset_index(drop=True)
    issue = pick(world, ISSUES, n)
    no_minor = {k: v for k, v in ISSUES.items() if k != "minors_info"}
    issue = np.where(slot % 3 == 0, issue, pick(world, no_minor, n))
    named = rng.random(n) < 0.78
    o = org_columns(op, "operator_name", "operator_uscc", rng, p_uscc=0.75, named=named)
    cross = rng.random(n) < 0.05
    frame = pd.DataFrame(
        {
            "report_id": world.keys("AR-", n),
            "app_name": op["app_name"].to_numpy(),
            "operator_name": o["operator_name"],
            "operator_uscc": o["operator_uscc"],
            "operator_region_code": np.where(named & (rng.random(n) < 0.7), op["region"], None),
            "region_code": np.where(cross, world.other_counties(n), world.home_counties(n)),
            "reported_at": world.random_dates(n),
            "issue_type": issue,
            "description": [f"用户投诉：{i}" for i in issue],
            "users_affected": pd.array(rng.integers(1, 50000, n), dtype="Int64"),
            "_e_operator": op["entity"].to_numpy(),
        }
    )
    world.add_rows("app_reports", frame)


def platform_orders(world: World, pop: Population) -> None:
    """Orders on the background platforms, prices independent of who buys."""
    rng, n = world.rng, scaled(world, 2500)
    plats = pop.platforms
    n_sku = max(20, round(60 * world.scale**0.5))
    n_users = max(50, n // 4)
    user_plat = rng.integers(0, len(plats), n_users)
    horizon = 6 * 365 * 86400
    registered = pd.Timestamp(world.as_of) - pd.to_timedelta(rng.integers(86400, horizon, n_users), unit="s")
    level = rng.choice(np.array(["普通", "白银", "黄金", "钻石"]), n_users)
    user = rng.integers(0, n_users, n)
    reg = registered[user]
    lower = np.maximum(reg.asi8, pd.Timestamp(world.start).value)
    span = pd.Timestamp(world.as_of).value - lower
    ordered = pd.to_datetime(lower + (rng.random(n) * span).astype(np.int64)).floor("s")
    sku_no = rng.integers(0, n_sku, n)
    plat = plats.iloc[user_plat[user]].reset_index(drop=True)
    price_table = np.round(rng.uniform(9.9, 999, (len(plats), n_sku)), 1)
    list_price = price_table[user_plat[user], sku_no]
    coupon = np.minimum(rng.choice(COUPONS, n), np.floor(list_price / 2))
    cities = world.home.city.unique()
    p = org_columns(plat, "platform_name", "platform_uscc", rng)
    frame = pd.DataFrame(
        {
            "order_id": world.keys("PO-", n, width=9),
            "platform_uscc": p["platform_uscc"],
            "platform_name": p["platform_name"],
            "user_ref": [f"U{u:07d}" for u in user],
            "user_registered_at": reg,
            "member_level": level[user],
            "device_os": rng.choice(np.array(["ios", "android", "harmony"]), n),
            "city_code": rng.choice(cities, n),
            "sku": np.char.add("SKU-", np.char.zfill(sku_no.astype(str), 5)),
            "ordered_at": ordered,
            "list_price": list_price,
            "paid_price": np.round(list_price - coupon, 2),
            "coupon_amount": coupon.astype(float),
            "channel": rng.choice(np.array(["app", "h5", "mini"]), n),
            "_e_platform": p["_entity"],
        }
    )
    world.add_rows("platform_orders", frame)
