"""The linkage as a flat file anyone can score: table, key, role, entity_id, probability."""

from __future__ import annotations

from pathlib import Path

import duckdb

from procura.errors import InvalidInput
from procura.warehouse import probes

FORMATS = ("csv",)


class ExportError(InvalidInput):
    """Nothing to export, or an unknown format."""


def export_mentions(con: duckdb.DuckDBPyConnection, path: Path, fmt: str = "csv") -> int:
    """Write every mention with its entity id to ``path``; return the row count."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: supported formats are {', '.join(FORMATS)}")
    if not probes.has_table(con, "mentions"):
        raise ExportError("no linkage yet: run `procura link` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    target = str(path).replace("'", "''")
    con.execute(
        "COPY (SELECT table_name AS \"table\", record_key AS \"key\", role, entity_id, probability "
        f"FROM mentions ORDER BY table_name, record_key, role) TO '{target}' (HEADER, DELIMITER ',')"
    )
    count = con.execute("SELECT count(*) FROM mentions").fetchone()
    return int(count[0]) if count else 0
