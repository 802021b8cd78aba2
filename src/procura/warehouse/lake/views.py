"""Reading the lake with DuckDB: one view per table over the files the manifest lists."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from procura.warehouse.lake.manifest import Lake, LakeTable
from procura.warehouse.schema import q


def select_sql(lake: Lake, table: LakeTable) -> str:
    """The table's rows with its warehouse columns and types (JSON read back from text)."""
    cols = ", ".join(
        f"CAST({q(name)} AS JSON) AS {q(name)}" if kind == "JSON" else q(name)
        for name, kind in table.columns.items()
    )
    files = table.files(lake.root)
    if not files:
        empty = ", ".join(f"CAST(NULL AS {kind}) AS {q(name)}" for name, kind in table.columns.items())
        return f"SELECT {empty} LIMIT 0"
    paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    types = ", ".join(f"'{key}': VARCHAR" for key in table.partition_by)
    hive = f", hive_partitioning = true, hive_types = {{{types}}}" if table.partition_by else ""
    return f"SELECT {cols} FROM read_parquet([{paths}]{hive})"


def attach(con: duckdb.DuckDBPyConnection, lake: Lake, tables: Iterable[str] | None = None) -> list[str]:
    """Create a view per lake table (or only ``tables``) in ``con``; their names."""
    names = sorted(lake.tables) if tables is None else sorted(set(tables))
    for name in names:
        con.execute(f"CREATE OR REPLACE VIEW {q(name)} AS {select_sql(lake, lake.table(name))}")
    return names
