"""Planted trend shifts: a county whose cyber-defamation reports double from a given month.

Each shift county gets a steady monthly stream of online defamation/insult reports
(Poisson, ``BEFORE`` a month) over the three years, doubling to ``AFTER`` from a
month between 6 and 14 months before the as-of date. Invariants (no model fires):
the reports name nobody (no mentions, so no cluster), their views and reposts stay
below the serious thresholds, and a separate random source leaves earlier plants
unchanged. The counties differ from one another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procura.synth.world import World

SERIES = "cyber_defamation"
BEFORE, AFTER = 20.0, 40.0
SHIFTS_PER_ROUND = 1
TEXTS = (
    "报案人称有人在微博发布其不实信息并配以照片，要求追究责任。",
    "受害人反映被他人在微信群中散布谣言，侮辱其人格。",
    "报案人称其被网民在短视频平台评论区辱骂，并被捏造事实。",
    "受害人称有人在论坛发帖诋毁其名誉。",
)


def _months(world: World) -> list[pd.Period]:
    end = pd.Period(world.as_of, freq="M")
    return list(pd.period_range(end - 35, end, freq="M"))


def plant(world: World, instances: int) -> None:
    """``instances`` shifts, written to ``truth.extras['trend_shifts']``."""
    rng = np.random.default_rng(world.seed * 7919 + 13)
    months = _months(world)
    home = world.home.code.to_numpy()
    counties = rng.choice(home, size=min(instances * SHIFTS_PER_ROUND, len(home)), replace=False)
    shifts = []
    for county in counties:
        region = str(county)
        change = months[-1] - int(rng.integers(6, 15))
        rows = []
        for month in months:
            rate = AFTER if month >= change else BEFORE
            days = month.days_in_month if month < months[-1] else world.as_of.day
            for _ in range(int(rng.poisson(rate * days / month.days_in_month))):
                day = month.start_time + pd.Timedelta(days=int(rng.integers(0, days)))
                rows.append((day, str(rng.choice(["online_defamation", "online_insult"]))))
        keys = world.keys("PR-", len(rows))
        filed = rng.random(len(rows)) < 0.6
        world.add_rows(
            "police_reports",
            [
                {
                    "report_id": key,
                    "region_code": region,
                    "police_unit": world.counties.loc[region, "name"] + "公安分局",
                    "received_at": day,
                    "offense_type": offense,
                    "description": str(rng.choice(TEXTS)),
                    "views_count": int(rng.integers(0, 3000)),
                    "reposts_count": int(rng.integers(0, 300)),
                    "filed": bool(is_filed),
                    "filed_at": day + pd.Timedelta(days=7) if is_filed else None,
                    "police_case_no": "A" + key[3:] if is_filed else None,
                    "not_filed_reason": None if is_filed else "情节显著轻微 / trivial",
                    "_e_victim": None,
                    "_e_suspect": None,
                }
                for key, (day, offense), is_filed in zip(keys, rows, filed, strict=True)
            ],
        )
        shifts.append(
            {
                "series": SERIES,
                "region_code": region,
                "from_period": str(change),
                "rate_before": BEFORE,
                "rate_after": AFTER,
                "reports": len(rows),
            }
        )
    world.truth.extras["trend_shifts"] = shifts
