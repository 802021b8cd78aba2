"""The DuckDB engine: the default, reading the workspace warehouse in place."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from procura.engine.base import Engine
from procura.engine.dialect import dialect
from procura.warehouse import probes


class DuckDBEngine(Engine):
    """Runs rules on a DuckDB connection (the warehouse, or an in-memory fixture)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, owned: bool = False) -> None:
        self.dialect = dialect("duckdb")
        self.con = con
        self._owned = owned

    def query_arrow(self, sql: str) -> pa.Table:
        result = self.con.sql(sql)
        if result is None:
            raise ValueError("a rule must be a SELECT")
        return result.to_arrow_table()

    def tables(self) -> Sequence[str]:
        return sorted(probes.tables(self.con))

    def close(self) -> None:
        if self._owned:
            self.con.close()
