"""Reading the quarantine: rows that could not be stored, with file, row, field and reason."""

from __future__ import annotations

import json
from typing import Any

from procura.config import Settings
from procura.errors import NotFound
from procura.warehouse.connection import connect

FIELDS = ("entry_id", "batch_id", "table", "file", "row", "field", "reason", "value", "created_at")


def list_entries(
    settings: Settings,
    table: str | None = None,
    file: str | None = None,
    limit: int = 100,
    batch: str | None = None,
) -> list[dict[str, Any]]:
    """Quarantine entries (one per problem), newest batch first, optionally for one table, file or batch."""
    where, params = [], []
    if batch:
        where.append("batch_id = ?")
        params.append(batch)
    if table:
        where.append("table_name = ?")
        params.append(table)
    if file:
        where.append("source_file = ?")
        params.append(file)
    sql = (
        "SELECT entry_id, batch_id, table_name, source_file, source_row, field, reason, value, created_at "
        f"FROM _quarantine {'WHERE ' + ' AND '.join(where) if where else ''} "
        "ORDER BY created_at DESC, batch_id, source_row NULLS FIRST, field LIMIT ?"
    )
    con = connect(settings, read_only=True)
    try:
        rows = con.execute(sql, [*params, limit]).fetchall()
    finally:
        con.close()
    return [dict(zip(FIELDS, (*r[:8], str(r[8])), strict=True)) for r in rows]


def show_entry(settings: Settings, entry_id: str) -> dict[str, Any]:
    """One quarantined row: every problem found in it and the raw row as read."""
    con = connect(settings, read_only=True)
    try:
        rows = con.execute(
            "SELECT entry_id, batch_id, table_name, source_file, source_row, field, reason, value, "
            "created_at, raw "
            "FROM _quarantine WHERE entry_id = ? ORDER BY field",
            [entry_id],
        ).fetchall()
    finally:
        con.close()
    if not rows:
        raise NotFound(f"no quarantine entry {entry_id!r} (see `procura quarantine list`)")
    first = rows[0]
    return {
        "entry_id": first[0],
        "batch_id": first[1],
        "table": first[2],
        "file": first[3],
        "row": first[4],
        "problems": [{"field": r[5], "reason": r[6], "value": r[7]} for r in rows],
        "raw": json.loads(first[9]) if first[9] else None,
    }
