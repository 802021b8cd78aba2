"""The one evidence reader: the warehouse rows a lead cites, for the API, pages, documents and CLI.

A lead cites each record as ``{"table", "key"}`` (docs/architecture.md). The key
is usually the table's primary key, but a model may cite a group of rows by
part of it (a whole criminal case by ``case_no``) or by other columns
(``platform_orders`` by ``platform_uscc`` and ``sku``); every matching row is
read, in primary-key order, up to ``MAX_ROWS_PER_REFERENCE``. The cap keeps a
lead page and a drafted document readable and bounded: the ten built-in models
cite groups of at most a few dozen rows, and a reference matching more than 50
rows says more about the model than the case (its ``truncated`` flag is set).
Only the standard tables can be read, key columns must be columns of the
table, values are bound, never pasted; bookkeeping columns (``_batch_id`` …)
are left out. A missing warehouse or table gives rows without values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procura.errors import InvalidInput
from procura.warehouse import probes
from procura.warehouse.schema import primary_keys, q

if TYPE_CHECKING:
    import duckdb

MAX_ROWS_PER_REFERENCE = 50
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def plain(value: Any) -> Any:
    """A JSON-ready form of a warehouse value (dates as ISO text, decimals as text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class EvidenceRow:
    """One cited record: its table, key and (when found) its standard fields."""

    table: str
    key: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False

    @property
    def found(self) -> bool:
        return bool(self.values)

    def as_json(self) -> dict[str, Any]:
        """``{"table", "key", "row"}`` with JSON-ready values (``row`` is None when not found)."""
        row = {c: plain(v) for c, v in self.values.items()} if self.found else None
        return {"table": self.table, "key": {c: plain(v) for c, v in self.key.items()}, "row": row}


def _checked(ref: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    table, key = ref.get("table"), ref.get("key")
    if table not in primary_keys() or not isinstance(key, dict) or not key:
        raise InvalidInput(f"evidence reference {dict(ref)!r}: unknown table or missing key")
    if not all(isinstance(column, str) and _IDENT.match(column) for column in key):
        raise InvalidInput(f"evidence reference to {table}: bad key columns {sorted(map(str, key))}")
    return str(table), key


def read_evidence(
    warehouse: Path | duckdb.DuckDBPyConnection, refs: Iterable[Mapping[str, Any]]
) -> list[EvidenceRow]:
    """The rows behind ``refs``, in order; a row missing from the warehouse comes back without values."""
    checked = [_checked(ref) for ref in refs]
    if isinstance(warehouse, Path):
        if not warehouse.exists() or not checked:
            return [EvidenceRow(table, key) for table, key in checked]
        import duckdb  # only when there is something to read: lead pages stay light

        con = duckdb.connect(str(warehouse), read_only=True)
    else:
        con = warehouse
    try:
        rows: list[EvidenceRow] = []
        for table, key in checked:
            rows += _read_one(con, table, key)
        return rows
    finally:
        if isinstance(warehouse, Path):
            con.close()


def _read_one(con: duckdb.DuckDBPyConnection, table: str, key: dict[str, Any]) -> list[EvidenceRow]:
    columns = probes.columns(con, table)
    if not columns:
        return [EvidenceRow(table, key)]
    unknown = sorted(set(key) - set(columns))
    if unknown:
        raise InvalidInput(f"evidence reference to {table}: no column {', '.join(unknown)}")
    where = " AND ".join(f"CAST({q(column)} AS VARCHAR) = ?" for column in key)
    order = ", ".join(q(column) for column in primary_keys()[table] if column in columns) or "1"
    cursor = con.execute(
        f"SELECT * FROM {q(table)} WHERE {where} ORDER BY {order} LIMIT {MAX_ROWS_PER_REFERENCE + 1}",
        [str(value) for value in key.values()],
    )
    names = [d[0] for d in cursor.description or []]
    found = cursor.fetchall()
    truncated = len(found) > MAX_ROWS_PER_REFERENCE
    found = found[:MAX_ROWS_PER_REFERENCE]
    if not found:
        return [EvidenceRow(table, key)]
    out = []
    for values in found:
        record = dict(zip(names, values, strict=True))
        own_key = {c: record[c] for c in primary_keys()[table]} if len(found) > 1 else key
        out.append(
            EvidenceRow(table, own_key, {k: v for k, v in record.items() if not k.startswith("_")}, truncated)
        )
    return out


def delivered_at(warehouse: Path, refs: Iterable[Mapping[str, Any]]) -> list[datetime | None]:
    """When the current version of each cited record came in: its batch's finish time (aware UTC).

    A record is stored with the batch that delivered its current version
    (``_batch_id``); a later file that repeats it unchanged leaves it as it was.
    ``None`` when the record (or the warehouse) is missing. The look-back uses
    this to tell facts delivered after a response from data that predates it.
    """
    checked = [_checked(ref) for ref in refs]
    if not warehouse.exists() or not checked:
        return [None for _ in checked]
    import duckdb

    from procura.clock import as_utc

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out: list[datetime | None] = []
        for table, key in checked:
            columns = probes.columns(con, table)
            if not columns or "_batch_id" not in columns or set(key) - set(columns):
                out.append(None)
                continue
            where = " AND ".join(f"CAST(t.{q(column)} AS VARCHAR) = ?" for column in key)
            found = con.execute(
                f"SELECT max(b.finished_at) FROM {q(table)} t JOIN _batches b ON b.batch_id = t._batch_id "
                f"WHERE {where}",
                [str(value) for value in key.values()],
            ).fetchone()
            out.append(as_utc(found[0]) if found and found[0] is not None else None)
        return out
    finally:
        con.close()
