"""How each warehouse table is laid out in the lake: its partition keys, as data.

A standard table is partitioned by the 2-digit province prefix of its region
code and by the ingest batch that stored the row; a table without a region
field takes its case's region (a court party its court case's). Quarantine and
the bookkeeping tables are partitioned by batch; the link tables (``mentions``,
``entities``) are rewritten whole by every ``procura link`` and are not
partitioned. A row whose region is empty goes to ``region=00`` (no GB/T 2260
code starts with 00), a row without a batch to ``batch=none``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procura.standard.schema import standard
from procura.warehouse.schema import BOOKKEEPING, ENTITY_COLUMNS, q

NO_REGION = "00"
NO_BATCH = "none"
PARTITION_KEYS = ("region", "batch")
# Partition values become folder names: only these characters, never "." or ".." alone.
SAFE_VALUE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")

# Tables without a region field of their own, and the table (joined on case_no) whose region they take.
PARENTS = {"court_parties": "court_cases", "criminal_case_victims": "criminal_cases"}
BATCH_COLUMNS = {
    "_batches": "batch_id",
    "_quarantine": "batch_id",
    "_row_history": "replaced_by_batch",
}


@dataclass(frozen=True)
class Layout:
    """One lake table: which partition keys it has and the SQL that computes them from ``t``."""

    table: str
    region: str | None = None  # SQL over the warehouse table aliased ``t`` (and ``p``, its parent)
    batch: str | None = None
    parent: str | None = None

    @property
    def partition_by(self) -> tuple[str, ...]:
        return tuple(k for k in PARTITION_KEYS if getattr(self, k) is not None)

    def source_sql(self, columns: dict[str, str]) -> str:
        """SELECT of the table's columns (JSON as text) plus its partition keys."""
        cols = [
            f"CAST(t.{q(name)} AS VARCHAR) AS {q(name)}" if kind == "JSON" else f"t.{q(name)}"
            for name, kind in columns.items()
        ]
        if self.region is not None:
            cols.append(f"coalesce({self.region}, '{NO_REGION}') AS region")
        if self.batch is not None:
            cols.append(f"coalesce({self.batch}, '{NO_BATCH}') AS batch")
        source = f"{q(self.table)} AS t"
        if self.parent is not None:
            region = _region_field(self.parent)
            source += (
                f" LEFT JOIN (SELECT case_no, min(left({q(region)}, 2)) AS region"
                f" FROM {q(self.parent)} GROUP BY case_no) AS p USING (case_no)"
            )
        return f"SELECT {', '.join(cols)} FROM {source}"


def _region_field(table: str) -> str:
    """The field that places a standard table's row: ``region_code``, else its required region field."""
    fields = [f for f in standard()[table].fields if f.kind == "region_code"]
    for f in fields:
        if f.name == "region_code":
            return f.name
    required = [f.name for f in fields if f.required]
    if not required:
        raise KeyError(f"{table} has no region field")
    return required[0]


def layouts() -> dict[str, Layout]:
    """Every table the lake holds: standard, bookkeeping and link tables."""
    found: dict[str, Layout] = {}
    for name in standard():
        if name in PARENTS:
            found[name] = Layout(name, region="p.region", batch="t._batch_id", parent=PARENTS[name])
        else:
            found[name] = Layout(name, region=f"left(t.{q(_region_field(name))}, 2)", batch="t._batch_id")
    for name in BOOKKEEPING:
        found[name] = Layout(name, batch=f"t.{q(BATCH_COLUMNS[name])}")
    for name in ENTITY_COLUMNS:
        found[name] = Layout(name)
    return found
