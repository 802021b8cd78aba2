"""The warehouse records a lead cites as evidence, read by primary key."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fetch_records(warehouse: Path, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each evidence reference with its row (``row`` is None when the warehouse lacks it)."""
    out = [{"table": ref.get("table"), "key": ref.get("key"), "row": None} for ref in evidence]
    if not warehouse.exists() or not evidence:
        return out
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        for item in out:
            table, key = item["table"], item["key"] or {}
            if table not in tables or not _IDENT.match(str(table)) or not key:
                continue
            if not all(_IDENT.match(str(column)) for column in key):
                continue
            where = " AND ".join(f'CAST("{column}" AS VARCHAR) = ?' for column in key)
            cursor = con.execute(
                f'SELECT * FROM "{table}" WHERE {where} LIMIT 1', [str(v) for v in key.values()]
            )
            row = cursor.fetchone()
            if row is not None:
                columns = [d[0] for d in cursor.description]
                item["row"] = {c: _plain(v) for c, v in zip(columns, row, strict=True) if c != "_extra"}
    finally:
        con.close()
    return out
