"""The warehouse rows a lead cites as evidence, read from DuckDB.

A lead cites each record as ``{"table", "key"}`` (docs/architecture.md). The key
is usually the table's primary key, but a model may cite a group of rows by
part of it (a whole criminal case by ``case_no``) or by other columns
(``platform_orders`` by ``platform_uscc`` and ``sku``); every matching row is
read, up to ``MAX_ROWS_PER_REFERENCE``. Only the standard tables can be read,
key columns must be columns of the table, and values are bound, never pasted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from procura.documents.kinds import DocumentError
from procura.standard import standard

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {name: t.primary_key for name, t in standard().items()}


MAX_ROWS_PER_REFERENCE = 50
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class EvidenceRow:
    """One cited record: its table, key and (when found) its standard fields."""

    table: str
    key: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.values)


def _checked(ref: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    table, key = ref.get("table"), ref.get("key")
    if table not in PRIMARY_KEYS or not isinstance(key, dict) or not key:
        raise DocumentError(f"evidence reference {dict(ref)!r}: unknown table or missing key")
    if not all(isinstance(column, str) and _IDENT.match(column) for column in key):
        raise DocumentError(f"evidence reference to {table}: bad key columns {sorted(map(str, key))}")
    return str(table), key


def load_rows(
    warehouse: Path | duckdb.DuckDBPyConnection, refs: Iterable[Mapping[str, Any]]
) -> list[EvidenceRow]:
    """The rows behind ``refs``, in order; a row missing from the warehouse comes back without values."""
    checked = [_checked(ref) for ref in refs]
    if isinstance(warehouse, Path):
        if not warehouse.exists():
            return [EvidenceRow(table, key) for table, key in checked]
        con = duckdb.connect(str(warehouse), read_only=True)
    else:
        con = warehouse
    try:
        rows: list[EvidenceRow] = []
        for table, key in checked:
            columns = _columns(con, table)
            if not columns:
                rows.append(EvidenceRow(table, key))
                continue
            unknown = sorted(set(key) - columns)
            if unknown:
                raise DocumentError(f"evidence reference to {table}: no column {', '.join(unknown)}")
            where = " AND ".join(f'CAST("{column}" AS VARCHAR) = ?' for column in key)
            order = ", ".join(f'"{column}"' for column in PRIMARY_KEYS[table] if column in columns) or "1"
            cursor = con.execute(
                f'SELECT * FROM "{table}" WHERE {where} ORDER BY {order} LIMIT {MAX_ROWS_PER_REFERENCE}',
                [str(value) for value in key.values()],
            )
            names = [d[0] for d in cursor.description or []]
            found = cursor.fetchall()
            if not found:
                rows.append(EvidenceRow(table, key))
            for values in found:
                record = dict(zip(names, values, strict=True))
                own_key = {c: record[c] for c in PRIMARY_KEYS[table]} if len(found) > 1 else key
                rows.append(
                    EvidenceRow(table, own_key, {k: v for k, v in record.items() if not k.startswith("_")})
                )
        return rows
    finally:
        if isinstance(warehouse, Path):
            con.close()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns of ``table`` (empty when the warehouse has no such table)."""
    result = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table])
    return {row[0] for row in result.fetchall()}
