"""The DuckDB warehouse: one table per standard table plus the bookkeeping tables.

``connect`` opens the workspace's ``warehouse.duckdb`` and creates whatever
is missing, so every stage can rely on the standard tables existing.
"""

from __future__ import annotations

import duckdb

from procura.config import Settings
from procura.ingest.transform import q
from procura.standard.schema import Table, standard

BOOKKEEPING = {
    "_batches": [
        ("batch_id", "VARCHAR"),
        ("table_name", "VARCHAR"),
        ("source_file", "VARCHAR"),
        ("source_path", "VARCHAR"),
        ("content_hash", "VARCHAR"),
        ("mapping", "VARCHAR"),
        ("mapping_hash", "VARCHAR"),
        ("status", "VARCHAR"),
        ("encoding", "VARCHAR"),
        ("read", "BIGINT"),
        ("stored", "BIGINT"),
        ("updated", "BIGINT"),
        ("unchanged", "BIGINT"),
        ("quarantined", "BIGINT"),
        ("flagged", "JSON"),
        ("message", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("finished_at", "TIMESTAMP"),
    ],
    "_quarantine": [
        ("entry_id", "VARCHAR"),
        ("batch_id", "VARCHAR"),
        ("table_name", "VARCHAR"),
        ("source_file", "VARCHAR"),
        ("source_row", "BIGINT"),
        ("field", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("value", "VARCHAR"),
        ("raw", "JSON"),
        ("created_at", "TIMESTAMP"),
    ],
    "_row_history": [
        ("table_name", "VARCHAR"),
        ("record_key", "VARCHAR"),
        ("replaced_by_batch", "VARCHAR"),
        ("replaced_at", "TIMESTAMP"),
        ("row", "JSON"),
    ],
}


def table_ddl(table: Table) -> str:
    """CREATE TABLE for one standard table (no constraints: ingest enforces keys)."""
    cols = ", ".join(f"{q(name)} {ctype}" for name, ctype in table.columns())
    return f"CREATE TABLE IF NOT EXISTS {q(table.name)} ({cols})"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every standard and bookkeeping table that is missing."""
    for table in standard().values():
        con.execute(table_ddl(table))
    for name, cols in BOOKKEEPING.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{q(c)} {t}' for c, t in cols)})")


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the workspace warehouse, with the standard tables created when missing."""
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


def record_key_sql(table: Table, alias: str = "") -> str:
    """SQL for a row's record key: primary-key values joined by ``|``."""
    prefix = f"{alias}." if alias else ""
    return " || '|' || ".join(f"{prefix}{q(k)}" for k in table.primary_key)
