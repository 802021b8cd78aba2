"""What the warehouse holds: its tables and their columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from procura.errors import WarehouseError

if TYPE_CHECKING:
    import duckdb


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the tables and views."""
    rows = con.execute("SELECT table_name FROM information_schema.tables")
    return {row[0] for row in rows.fetchall()}


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``table`` exists."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
        [table],
    ).fetchone()
    return bool(row and row[0])


def columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> type of ``table``, in table order (empty when there is no such table)."""
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    )
    return {name: kind for name, kind in rows.fetchall()}


def all_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every table with the names of its columns."""
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def require_tables(con: duckdb.DuckDBPyConnection, needed: Iterable[str]) -> None:
    """Fail with a clear message when a table a stage reads is not in the warehouse."""
    missing = sorted(set(needed) - tables(con))
    if missing:
        hint = " (run `procura link` first)" if {"mentions", "entities"} & set(missing) else ""
        raise WarehouseError(f"the warehouse has no table {', '.join(missing)}{hint}")
