"""Opening an engine over the workspace warehouse, by name."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import duckdb

from procura.config import Settings
from procura.engine.base import Engine
from procura.engine.dialect import dialect
from procura.engine.duckdb import DuckDBEngine


class WarehouseError(RuntimeError):
    """The warehouse is missing, or lacks a table a model reads."""


def connect_warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the workspace warehouse (through procura.ingest)."""
    warehouse = importlib.import_module("procura.ingest.warehouse")
    con: duckdb.DuckDBPyConnection = warehouse.connect(settings, read_only=True)
    return con


def check_tables(con: duckdb.DuckDBPyConnection, needed: Iterable[str]) -> None:
    """Fail with a clear message when a table a model reads is not in the warehouse."""
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = sorted(set(needed) - present)
    if missing:
        hint = " (run `procura link` first)" if {"mentions", "entities"} & set(missing) else ""
        raise WarehouseError(f"the warehouse has no table {', '.join(missing)}{hint}")


def open_engine(name: str, settings: Settings, tables: Iterable[str]) -> Engine:
    """An engine of kind ``name`` able to read ``tables`` of the workspace warehouse."""
    kind = dialect(name)
    needed = sorted(set(tables))
    if not settings.warehouse_path.exists():
        raise WarehouseError(f"no warehouse at {settings.warehouse_path}: run `procura ingest` first")
    con = connect_warehouse(settings)
    try:
        check_tables(con, needed)
    except WarehouseError:
        con.close()
        raise
    if kind.reads_warehouse:
        return DuckDBEngine(con, owned=True)
    from procura.engine.spark import SparkEngine

    try:
        return SparkEngine.from_duckdb(con, needed, settings.home / "spark" / "tables")
    finally:
        con.close()
