"""Counting records per period, region and dimension, for the series of ``series.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd
import yaml

from procura.warehouse.probes import has_table

LEVEL_WIDTH = {"province": 2, "city": 4, "county": 6}


@dataclass(frozen=True)
class Series:
    """One counted series: its labels, table, date field, filter and dimensions."""

    name: str
    zh: str
    en: str
    table: str
    date: str
    where: str = "TRUE"
    dimensions: dict[str, str] = field(default_factory=dict)


@cache
def all_series() -> dict[str, Series]:
    raw: dict[str, dict[str, Any]] = yaml.safe_load(
        resources.files("procura.trends").joinpath("series.yaml").read_text(encoding="utf-8")
    )
    return {name: Series(name=name, **spec) for name, spec in raw.items()}


def region_expr(level: str) -> str:
    """SQL: the region code of a row at ``level`` (the code of its county, city or province)."""
    width = LEVEL_WIDTH[level]
    return f"rpad(substr(region_code, 1, {width}), 6, '0')"


def monthly_counts(
    con: duckdb.DuckDBPyConnection,
    series: Series,
    level: str,
    prefix: str = "",
    by: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Rows ``period`` (YYYY-MM), ``region_code``, ``dimension``, ``count`` for one series."""
    if not has_table(con, series.table):
        return pd.DataFrame(columns=["period", "region_code", "dimension", "count"])
    dim = series.dimensions[by] if by else "NULL"
    sql = (
        f"SELECT strftime(date_trunc('month', {series.date}), '%Y-%m') AS period,"
        f" {region_expr(level)} AS region_code, CAST({dim} AS VARCHAR) AS dimension, COUNT(*) AS count"
        f" FROM {series.table} WHERE ({series.where}) AND {series.date} IS NOT NULL"
        " AND region_code LIKE ? || '%'"
    )
    params: list[Any] = [prefix]
    if start:
        sql += f" AND {series.date} >= CAST(? || '-01' AS DATE)"
        params.append(start)
    if end:
        sql += f" AND {series.date} < CAST(? || '-01' AS DATE) + INTERVAL 1 MONTH"
        params.append(end)
    sql += " GROUP BY ALL ORDER BY period, region_code, dimension"
    return con.execute(sql, params).df()


def matrix(frame: pd.DataFrame, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Counts as periods x (region, dimension), every month between first and last present (zeros filled)."""
    if frame.empty:
        return pd.DataFrame()
    first = start or str(frame["period"].min())
    last = end or str(frame["period"].max())
    periods = [str(p) for p in pd.period_range(first, last, freq="M")]
    wide = frame.pivot_table(
        index="period", columns=["region_code", "dimension"], values="count", aggfunc="sum", dropna=False
    )
    return wide.reindex(periods).fillna(0).astype(int)
