"""The warehouse's tables and their types: standard, entity and bookkeeping tables.

Standard tables come from the data standard (``procura.standard``); the entity
tables (``mentions``, ``entities``) are fixed by docs/architecture.md and
written by ``procura link``; the bookkeeping tables (``_batches``,
``_quarantine``, ``_row_history``) are written by ingest. Test fixtures are
created from the same types, so a fixture row that gives two columns still has
every other column, NULL, typed.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from procura.standard.schema import Table, standard

if TYPE_CHECKING:
    import duckdb

ENTITY_COLUMNS: dict[str, dict[str, str]] = {
    "mentions": {
        "table_name": "VARCHAR", "record_key": "VARCHAR", "role": "VARCHAR", "kind": "VARCHAR",
        "entity_id": "VARCHAR", "probability": "DOUBLE", "rule": "VARCHAR",
    },
    "entities": {
        "entity_id": "VARCHAR", "kind": "VARCHAR", "name": "VARCHAR", "id_no": "VARCHAR",
        "uscc": "VARCHAR", "birth_date": "DATE", "sex": "VARCHAR", "phone": "VARCHAR", "mentions": "BIGINT",
    },
}  # fmt: skip

BOOKKEEPING: dict[str, dict[str, str]] = {
    "_batches": {
        "batch_id": "VARCHAR", "table_name": "VARCHAR", "source_file": "VARCHAR", "source_path": "VARCHAR",
        "content_hash": "VARCHAR", "mapping": "VARCHAR", "mapping_hash": "VARCHAR", "status": "VARCHAR",
        "encoding": "VARCHAR", "read": "BIGINT", "stored": "BIGINT", "updated": "BIGINT",
        "unchanged": "BIGINT", "quarantined": "BIGINT", "flagged": "JSON", "message": "VARCHAR",
        "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP",
    },
    "_quarantine": {
        "entry_id": "VARCHAR", "batch_id": "VARCHAR", "table_name": "VARCHAR", "source_file": "VARCHAR",
        "source_row": "BIGINT", "field": "VARCHAR", "reason": "VARCHAR", "value": "VARCHAR",
        "raw": "JSON", "created_at": "TIMESTAMP",
    },
    "_row_history": {
        "table_name": "VARCHAR", "record_key": "VARCHAR", "replaced_by_batch": "VARCHAR",
        "replaced_at": "TIMESTAMP", "row": "JSON",
    },
}  # fmt: skip


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@cache
def table_columns(table: str) -> dict[str, str]:
    """Column name -> warehouse type of a model-readable table (standard or entity)."""
    if table in ENTITY_COLUMNS:
        return dict(ENTITY_COLUMNS[table])
    tables = standard()
    if table not in tables:
        raise KeyError(f"unknown table {table!r}")
    return dict(tables[table].columns())


@cache
def readable_tables() -> frozenset[str]:
    """Every table a rule may read: the standard tables, ``mentions`` and ``entities``."""
    return frozenset(standard()) | frozenset(ENTITY_COLUMNS)


@cache
def primary_keys() -> dict[str, tuple[str, ...]]:
    """Primary-key fields of every standard table, in record-key order."""
    return {name: tuple(table.primary_key) for name, table in standard().items()}


def table_ddl(table: Table) -> str:
    """CREATE TABLE for one standard table (no constraints: ingest enforces keys)."""
    cols = ", ".join(f"{q(name)} {ctype}" for name, ctype in table.columns())
    return f"CREATE TABLE IF NOT EXISTS {q(table.name)} ({cols})"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every standard and bookkeeping table that is missing."""
    for table in standard().values():
        con.execute(table_ddl(table))
    for name, cols in BOOKKEEPING.items():
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{q(c)} {t}' for c, t in cols.items())})"
        )
