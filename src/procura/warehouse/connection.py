"""Opening the workspace warehouse (``warehouse.duckdb``)."""

from __future__ import annotations

import duckdb

from procura.config import Settings
from procura.warehouse.schema import create_tables


def duckdb_config(settings: Settings) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB options from the settings: ``memory_limit`` and ``temp_directory`` when set."""
    config: dict[str, str | bool | int | float | list[str]] = {}
    if settings.duckdb_memory_limit:
        config["memory_limit"] = settings.duckdb_memory_limit.strip()
    if settings.duckdb_temp_dir is not None:
        config["temp_directory"] = str(settings.duckdb_temp_dir)
    return config


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the workspace warehouse, with the standard tables created when missing.

    A read-only connection to a warehouse that does not exist yet creates it first,
    so readers see empty standard tables rather than an error.
    """
    settings.ensure()
    path = settings.warehouse_path
    config = duckdb_config(settings)
    if read_only and path.exists():
        return duckdb.connect(str(path), read_only=True, config=config)
    con = duckdb.connect(str(path), config=config)
    create_tables(con)
    if read_only:
        con.close()
        return duckdb.connect(str(path), read_only=True, config=config)
    return con
