"""The tables a rule may read, typed as in the warehouse: standard tables and entities.

Standard tables come from the data standard (``procura.standard``); the entity
tables (``mentions``, ``entities``) are fixed by docs/architecture.md and
written by ``procura link``. Test fixtures are created from these, so a fixture
row that gives two columns still has every other column, NULL, typed.
"""

from __future__ import annotations

from functools import cache

from procura.standard.schema import standard

ENTITY_COLUMNS: dict[str, dict[str, str]] = {
    "mentions": {
        "table_name": "VARCHAR", "record_key": "VARCHAR", "role": "VARCHAR", "kind": "VARCHAR",
        "entity_id": "VARCHAR", "probability": "DOUBLE", "rule": "VARCHAR",
    },
    "entities": {
        "entity_id": "VARCHAR", "kind": "VARCHAR", "name": "VARCHAR", "id_no": "VARCHAR",
        "uscc": "VARCHAR", "birth_date": "DATE", "sex": "VARCHAR", "phone": "VARCHAR", "mentions": "BIGINT",
    },
}


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
