"""The warehouse rows a lead cites as evidence, read from DuckDB.

A lead cites each record as ``{"table", "key"}`` with the table's primary-key
fields by standard name (docs/architecture.md). Only the standard tables can be
read this way, and only by their primary keys: table and column names are
checked against the fixed list before they reach SQL, values are bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from procura.documents.kinds import DocumentError

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "police_reports": ("report_id",),
    "criminal_cases": ("case_no", "suspect_key"),
    "criminal_case_victims": ("case_no", "victim_key"),
    "admin_penalties": ("penalty_id",),
    "medical_visits": ("visit_id",),
    "court_cases": ("case_no",),
    "court_parties": ("case_no", "party_key"),
    "app_reports": ("report_id",),
    "platform_orders": ("order_id",),
}


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
    if table not in PRIMARY_KEYS or not isinstance(key, dict):
        raise DocumentError(f"evidence reference {dict(ref)!r}: unknown table or missing key")
    if set(key) != set(PRIMARY_KEYS[table]):
        raise DocumentError(
            f"evidence reference to {table}: key must be {PRIMARY_KEYS[table]}, got {sorted(key)}"
        )
    return table, key


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
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        rows: list[EvidenceRow] = []
        for table, key in checked:
            if table not in tables:
                rows.append(EvidenceRow(table, key))
                continue
            where = " AND ".join(f'"{column}" = ?' for column in PRIMARY_KEYS[table])
            cursor = con.execute(
                f'SELECT * FROM "{table}" WHERE {where} LIMIT 1',
                [str(key[column]) for column in PRIMARY_KEYS[table]],
            )
            found = cursor.fetchone()
            names = [d[0] for d in cursor.description or []]
            values = dict(zip(names, found, strict=True)) if found else {}
            rows.append(EvidenceRow(table, key, {k: v for k, v in values.items() if not k.startswith("_")}))
        return rows
    finally:
        if isinstance(warehouse, Path):
            con.close()
