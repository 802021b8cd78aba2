"""Opening the workspace warehouse (``warehouse.duckdb``)."""

from __future__ import annotations

import duckdb

from procura.config import Settings
from procura.warehouse.schema import create_tables


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the workspace warehouse, with the standard tables created when missing.

    A read-only connection to a warehouse that does not exist yet creates it first,
    so readers see empty standard tables rather than an error.
    """
    settings.ensure()
    path = settings.warehouse_path
    if read_only and path.exists():
        return duckdb.connect(str(path), read_only=True)
    con = duckdb.connect(str(path))
    create_tables(con)
    if read_only:
        con.close()
        return duckdb.connect(str(path), read_only=True)
    return con
