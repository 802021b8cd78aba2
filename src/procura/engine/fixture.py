"""Small in-memory warehouses built from rows: model tests and parity checks.

A fixture gives only the columns it needs; every other column of the table is
NULL with its warehouse type, and given values are cast to that type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb

from procura.errors import InvalidInput
from procura.warehouse.schema import readable_tables, table_columns


class FixtureError(InvalidInput):
    """A fixture row names an unknown table or column, or a value that does not cast."""


def create_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    """Create each model-readable table (empty) with its warehouse columns."""
    for table in tables:
        if table not in readable_tables():
            raise FixtureError(f"unknown table {table!r}")
        cols = ", ".join(f'"{name}" {kind}' for name, kind in table_columns(table).items())
        con.execute(f'CREATE OR REPLACE TABLE "{table}" ({cols})')


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as dicts; missing columns stay NULL, values are cast."""
    columns = table_columns(table)
    for number, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(columns))
        if unknown:
            raise FixtureError(f"{table} row {number}: unknown column {unknown[0]!r}")
        names = list(row)
        cols = ", ".join(f'"{n}"' for n in names)
        values = ", ".join(f"CAST(? AS {columns[n]})" for n in names)
        try:
            con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({values})', [row[n] for n in names])
        except duckdb.Error as exc:
            raise FixtureError(f"{table} row {number}: {exc}") from None


def fixture_connection(
    rows: Mapping[str, Sequence[Mapping[str, Any]]], tables: Iterable[str] = ()
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding ``tables`` (empty) plus every table given in ``rows``."""
    con = duckdb.connect(":memory:")
    create_tables(con, sorted(set(tables) | set(rows)))
    for table, table_rows in rows.items():
        insert_rows(con, table, table_rows)
    return con
