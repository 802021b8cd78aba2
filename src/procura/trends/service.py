"""Trends and alerts as service functions under the CLI, the API and the reports.

Both are limited to the principal's jurisdiction (rows whose region lies under
the office's region) and read the warehouse only; counts carry no personal data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import pandas as pd

from procura.access.offices import parse_office_id
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.config import Settings
from procura.errors import InvalidInput
from procura.standard import regions
from procura.trends.counts import LEVEL_WIDTH, Series, all_series, matrix, monthly_counts
from procura.trends.detect import Detection, cusum_alarm, default_detection
from procura.warehouse.connection import connect


@dataclass
class TrendRow:
    region_code: str
    region_name: str
    dimension: str | None
    counts: list[int]
    total: int


@dataclass
class TrendResult:
    """Monthly counts of one series per region (and dimension) in the principal's jurisdiction."""

    series: str
    title_zh: str
    title_en: str
    level: str
    by: str | None
    periods: list[str]
    rows: list[TrendRow]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Alert:
    """A sudden rise in one region-series, with the evidence of the test."""

    series: str
    title_zh: str
    region_code: str
    region_name: str
    dimension: str | None
    period: str
    rise_from: str
    count: int
    reference_rate: float
    observed_rate: float
    p_value: float
    cusum: float
    message_zh: str = field(default="")


def scope_prefix(principal: Principal) -> str:
    """The region-code prefix of the principal's jurisdiction ('' for the system principal)."""
    if principal.role == "system" or not principal.office_id:
        return ""
    code, level = parse_office_id(principal.office_id)
    return code[: LEVEL_WIDTH[level]]


def _series(name: str) -> Series:
    known = all_series()
    if name not in known:
        raise InvalidInput(f"未知序列 unknown series {name!r}; known: {', '.join(known)}")
    return known[name]


def _check(level: str, by: str | None, series: Series, start: str | None, end: str | None) -> None:
    if level not in LEVEL_WIDTH:
        raise InvalidInput(f"level must be one of {', '.join(LEVEL_WIDTH)}, got {level!r}")
    if by is not None and by not in series.dimensions:
        dims = ", ".join(series.dimensions) or "none"
        raise InvalidInput(f"series {series.name} cannot be broken down by {by!r}; dimensions: {dims}")
    for label, value in (("start", start), ("end", end)):
        if value is not None:
            try:
                pd.Period(value, freq="M")
            except ValueError as exc:
                raise InvalidInput(f"{label} must be a month YYYY-MM, got {value!r}") from exc
    if start and end and start > end:
        raise InvalidInput(f"start {start} is after end {end}")


def _connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    return connect(settings, read_only=True)


def trend(
    settings: Settings,
    principal: Principal,
    series: str,
    level: str = "city",
    by: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> TrendResult:
    """Monthly counts of ``series`` per region at ``level`` (and per dimension ``by``)."""
    require_role(principal, LEAD_READERS, "read trends")
    spec = _series(series)
    _check(level, by, spec, start, end)
    con = _connect(settings)
    try:
        frame = monthly_counts(con, spec, level, scope_prefix(principal), by, start, end)
    finally:
        con.close()
    wide = matrix(frame, start, end)
    result = TrendResult(series, spec.zh, spec.en, level, by, [str(p) for p in wide.index], [])
    if frame.empty:
        result.note = "所选期间和范围内没有数据 no records of this series in the period and jurisdiction"
        return result
    for region, dim in wide.columns:
        counts = [int(v) for v in wide[(region, dim)].tolist()]
        name = regions.name(region) or region
        result.rows.append(
            TrendRow(region, name, None if dim is None or dim != dim else dim, counts, sum(counts))
        )
    result.rows.sort(key=lambda r: (-r.total, r.region_code))
    return result


def alerts(
    settings: Settings,
    principal: Principal,
    series: list[str] | None = None,
    level: str = "county",
    params: Detection | None = None,
    end: str | None = None,
) -> list[Alert]:
    """Every region-series (at ``level``) whose counts rose against their own history."""
    require_role(principal, LEAD_READERS, "read trend alerts")
    params = params or default_detection()
    names = series or list(all_series())
    out: list[Alert] = []
    for name in names:
        result = trend(settings, principal, name, level=level, end=end)
        for row in result.rows:
            alarm = cusum_alarm(pd.Series(row.counts).to_numpy(), params)
            if alarm is None:
                continue
            period, since = result.periods[alarm.index], result.periods[alarm.start_index]
            out.append(
                Alert(
                    series=name,
                    title_zh=result.title_zh,
                    region_code=row.region_code,
                    region_name=row.region_name,
                    dimension=row.dimension,
                    period=period,
                    rise_from=since,
                    count=alarm.count,
                    reference_rate=round(alarm.reference_rate, 2),
                    observed_rate=round(alarm.observed_rate, 2),
                    p_value=alarm.p_value,
                    cusum=round(alarm.cusum, 2),
                    message_zh=(
                        f"{row.region_name}{result.title_zh}自{since}起上升：月均{alarm.observed_rate:.1f}件，"
                        f"此前{alarm.reference_rate:.1f}件（p={alarm.p_value:.2g}）"
                    ),
                )
            )
    out.sort(key=lambda a: (a.p_value, a.series, a.region_code))
    return out
