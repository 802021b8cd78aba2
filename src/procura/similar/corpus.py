"""The documents of similar-case search: one row per indexed record, read from the warehouse.

Which table and field plays which part (text, kind, body, date, amount) is data,
``sources.yaml``; this module only turns it into SQL and tokenises the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd
import yaml

from procura.similar.tokens import tokenize

COLUMNS = ("table_name", "record_key", "text", "kind", "body", "body_name", "region_code", "date", "amount")


@dataclass(frozen=True)
class Source:
    """One indexed table and the standard field (or SQL expression) behind each part."""

    table: str
    key: tuple[str, ...]
    text: str
    kind: str
    body: str
    body_name: str
    date: str
    amount: str
    sensitive_text: bool = False

    def select(self, batches: list[str] | None) -> str:
        key = " || '|' || ".join(f"CAST({k} AS VARCHAR)" for k in self.key)
        where = ""
        if batches is not None:
            quoted = ", ".join("'" + b.replace("'", "''") + "'" for b in batches) or "NULL"
            where = f" WHERE _batch_id IN ({quoted})"
        return (
            f"SELECT '{self.table}' AS table_name, {key} AS record_key, CAST({self.text} AS VARCHAR) AS text,"
            f" CAST({self.kind} AS VARCHAR) AS kind, CAST({self.body} AS VARCHAR) AS body,"
            f" CAST({self.body_name} AS VARCHAR) AS body_name, region_code,"
            f" CAST({self.date} AS DATE) AS date, CAST({self.amount} AS DOUBLE) AS amount"
            f" FROM {self.table}{where}"
        )


@cache
def sources() -> dict[str, Source]:
    """The indexed tables from ``sources.yaml``, validated: every part must be named."""
    raw: dict[str, dict[str, Any]] = yaml.safe_load(
        resources.files("procura.similar").joinpath("sources.yaml").read_text(encoding="utf-8")
    )
    out: dict[str, Source] = {}
    for table, spec in raw.items():
        missing = [f for f in ("key", "text", "kind", "body", "body_name", "date", "amount") if f not in spec]
        if missing:
            raise ValueError(f"sources.yaml: table {table} lacks {', '.join(missing)}")
        out[table] = Source(table=table, **{**spec, "key": tuple(spec["key"])})
    return out


def present(con: duckdb.DuckDBPyConnection) -> list[Source]:
    """The indexed tables that exist in this warehouse."""
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return [s for t, s in sources().items() if t in names]


def batches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every batch that stored rows in an indexed table."""
    union = " UNION ".join(f"SELECT DISTINCT _batch_id FROM {s.table}" for s in present(con))
    return sorted(r[0] for r in con.execute(union).fetchall() if r[0] is not None) if union else []


def read_documents(con: duckdb.DuckDBPyConnection, only_batches: list[str] | None = None) -> pd.DataFrame:
    """The documents of every indexed table (or only the rows last written by ``only_batches``)."""
    frames = [con.execute(s.select(only_batches)).df() for s in present(con)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    return with_tokens(frame)


def with_tokens(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``tokens`` column (the tokenised text) and the date as a datetime."""
    frame = frame.copy()
    frame["tokens"] = [tokenize(t) for t in frame["text"].tolist()]
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    return frame
