"""Scratch tables built from Python columns.

Linking and the XLSX reader hand DuckDB columns computed in Python (normalized
names, cluster roots, sheet cells). Building a pyarrow table from Python lists
makes pyarrow import pandas to check for pandas objects, about 0.25 s of CPU
in a process that otherwise never needs pandas (ADR 0140). DuckDB takes
Python lists as query parameters directly, so the columns go in as typed lists
and come out as a temporary table, in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb

from procura.warehouse.schema import q


def columns_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: Mapping[str, tuple[str, Iterable[object]]]
) -> None:
    """Create (or replace) the temporary table ``name`` from ``{column: (SQL type, values)}``.

    Every column must have as many values as the others; row ``i`` of the table holds
    value ``i`` of each column.
    """
    values = [list(v) for _, v in columns.values()]
    if len({len(v) for v in values}) > 1:
        raise ValueError(f"scratch table {name}: columns of different lengths")
    select = ", ".join(
        f"unnest(${i}::{sql_type}[]) AS {q(column)}"
        for i, (column, (sql_type, _)) in enumerate(columns.items(), start=1)
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT {select}", values)
