"""Run a standard kind's SQL normalizer over a list of strings, through the real staging SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from procura.ingest.transform import bind, staging_sql
from procura.standard.schema import Field, Table

SqlRun = Callable[[Field, list[str | None]], list[tuple[Any, bool | None, str | None]]]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.fixture(scope="module")
def run_sql(con: duckdb.DuckDBPyConnection) -> SqlRun:
    """``(value, valid, error reason)`` per input, computed by DuckDB."""

    def run(f: Field, values: list[str | None]) -> list[tuple[Any, bool | None, str | None]]:
        key = Field("k", "id", required=True)
        table = Table("t", "", "", ("k",), (key, f))
        con.execute('CREATE OR REPLACE TEMP TABLE raw (_row BIGINT, k VARCHAR, "v" VARCHAR)')
        con.executemany("INSERT INTO raw VALUES (?, ?, ?)", [[i, str(i), v] for i, v in enumerate(values)])
        binding = bind(table, ["k", "v"], None, "t.csv")
        binding.sources[f.name] = "v"
        binding.extras = []
        staging = staging_sql(table, binding, "raw", None)
        valid = f'"{f.name}_valid"' if f.flagged else "NULL"
        rows = con.execute(f'SELECT "{f.name}", {valid}, __e1 FROM ({staging.sql}) ORDER BY _row').fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    return run
