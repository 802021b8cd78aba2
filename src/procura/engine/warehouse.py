"""Opening an engine over the workspace warehouse, by name (the connection is ``procura.warehouse``)."""

from __future__ import annotations

from collections.abc import Iterable

from procura.config import Settings
from procura.engine.base import Engine
from procura.engine.dialect import dialect
from procura.engine.duckdb import DuckDBEngine
from procura.errors import WarehouseError
from procura.warehouse.connection import connect
from procura.warehouse.probes import require_tables


def open_engine(name: str, settings: Settings, tables: Iterable[str]) -> Engine:
    """An engine of kind ``name`` able to read ``tables`` of the workspace warehouse."""
    kind = dialect(name)
    needed = sorted(set(tables))
    if not settings.warehouse_path.exists():
        raise WarehouseError(f"no warehouse at {settings.warehouse_path}: run `procura ingest` first")
    con = connect(settings, read_only=True)
    try:
        require_tables(con, needed)
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
