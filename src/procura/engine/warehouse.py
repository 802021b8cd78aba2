"""Opening an engine over the workspace warehouse, or over a Parquet lake, by name.

The warehouse connection is ``procura.warehouse``; the lake is
``procura.warehouse.lake``. A lake is verified against its manifest before an
engine reads it, and Spark reads its files directly (no DuckDB file in the path).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from procura.config import Settings
from procura.engine.base import Engine
from procura.engine.dialect import dialect
from procura.engine.duckdb import DuckDBEngine
from procura.errors import WarehouseError
from procura.warehouse.connection import connect, duckdb_config
from procura.warehouse.lake import attach, open_lake
from procura.warehouse.probes import require_tables


def open_engine(name: str, settings: Settings, tables: Iterable[str], lake: Path | None = None) -> Engine:
    """An engine of kind ``name`` able to read ``tables`` of the warehouse, or of ``lake``.

    ``lake`` (else the ``lake`` setting) selects a Parquet lake instead of the warehouse file.
    """
    kind = dialect(name)
    needed = sorted(set(tables))
    lake = lake or settings.lake
    if lake is not None:
        return open_lake_engine(name, lake, needed, settings)
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


def open_lake_engine(
    name: str, root: Path, tables: Iterable[str], settings: Settings | None = None
) -> Engine:
    """An engine of kind ``name`` over ``tables`` of the lake at ``root``, verified first.

    Nothing is read before the manifest checks out (``LakeError`` names the
    missing partition or the changed file); Spark that cannot start says why.
    """
    kind = dialect(name)
    needed = sorted(set(tables))
    lake = open_lake(root)
    missing = [t for t in needed if t not in lake.tables]
    if missing:
        hint = (
            " (run `procura link`, then `procura lake export`)"
            if {"mentions", "entities"} & set(missing)
            else ""
        )
        raise WarehouseError(f"the lake at {root} has no table {', '.join(missing)}{hint}")
    if kind.reads_warehouse:
        # The workspace's memory limit and spill folder hold over the lake too (ADR 0204).
        con = duckdb.connect(":memory:", config=duckdb_config(settings) if settings else {})
        attach(con, lake, needed)
        return DuckDBEngine(con, owned=True)
    from procura.engine.spark import SparkEngine

    return SparkEngine.from_lake(lake, needed)  # EngineError when Spark cannot start
