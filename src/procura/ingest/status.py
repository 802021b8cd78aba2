"""What the warehouse holds: tables and row counts, batches, quarantine by reason."""

from __future__ import annotations

from typing import Any

from procura.config import Settings
from procura.standard.schema import standard
from procura.warehouse.connection import connect


def status(settings: Settings, recent: int = 20) -> dict[str, Any]:
    """A JSON-ready picture of the warehouse."""
    con = connect(settings, read_only=True)
    try:
        tables = []
        for name, table in standard().items():
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # type: ignore[index]
            tables.append({"table": name, "title_zh": table.title_zh, "rows": int(rows)})
        batches = [
            dict(
                zip(
                    (
                        "batch_id",
                        "table",
                        "file",
                        "status",
                        "read",
                        "stored",
                        "updated",
                        "unchanged",
                        "quarantined",
                        "finished_at",
                        "message",
                    ),
                    (*row[:9], str(row[9]), row[10]),
                    strict=True,
                )
            )
            for row in con.execute(
                "SELECT batch_id, table_name, source_file, status, read, stored, updated, unchanged, "
                "quarantined, "
                "finished_at, message FROM _batches ORDER BY finished_at DESC LIMIT ?",
                [recent],
            ).fetchall()
        ]
        counts = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'committed'), "
            "count(*) FILTER (WHERE status = 'rejected') FROM _batches"
        ).fetchone()
        quarantine = [
            {"table": t, "field": f, "reason": r, "entries": int(n)}
            for t, f, r, n in con.execute(
                "SELECT table_name, field, reason, count(*) AS n FROM _quarantine "
                "GROUP BY ALL ORDER BY n DESC, table_name, field"
            ).fetchall()
        ]
        history = con.execute("SELECT count(*) FROM _row_history").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    assert counts is not None
    return {
        "warehouse": str(settings.warehouse_path),
        "tables": tables,
        "batches": {
            "total": int(counts[0]),
            "committed": int(counts[1]),
            "rejected": int(counts[2]),
            "recent": batches,
        },
        "quarantine": quarantine,
        "row_history": int(history),
    }
