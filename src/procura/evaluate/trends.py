"""Scoring change detection on planted trend shifts: detection delay and false alarms.

The region-series are the county series of every planted shift's series (e.g.
monthly cyber-defamation reports of every county of the province). A planted
shift is detected when its series alarms at or after the shift month; the delay
is the number of months from the shift to the alarm. Any other alarm, and an
alarm before the shift month, is a false alarm.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.trends.service import alerts, trend

MAX_DELAY = 2


@dataclass
class TrendScore:
    shifts: int
    detected: int
    delays: list[int | None]
    region_series: int
    false_alarms: int
    false_alarms_per_100: float
    false: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_trends(settings: Settings, truth: dict[str, Any]) -> TrendScore | None:
    shifts = truth.get("trend_shifts") or []
    if not shifts:
        return None
    names = sorted({s["series"] for s in shifts})
    end = str(pd.Period(truth["as_of"][:7], freq="M"))
    found = alerts(settings, SYSTEM, names, level="county", end=end)
    n_series = sum(len(trend(settings, SYSTEM, n, level="county", end=end).rows) for n in names)
    planted = {(s["series"], s["region_code"]): s["from_period"] for s in shifts}
    delays: dict[tuple[str, str], int] = {}
    false = []
    for alert in found:
        key = (alert.series, alert.region_code)
        start = planted.get(key)
        if start is not None and alert.period >= start:
            delays[key] = (pd.Period(alert.period, freq="M") - pd.Period(start, freq="M")).n
        else:
            false.append(f"{alert.series}/{alert.region_code}@{alert.period}")
    listed = [delays.get((s["series"], s["region_code"])) for s in shifts]
    detected = sum(1 for d in listed if d is not None and d <= MAX_DELAY)
    return TrendScore(
        len(shifts),
        detected,
        listed,
        n_series,
        len(false),
        round(100 * len(false) / n_series, 3) if n_series else 0.0,
        false,
    )
