"""The Spark engine (local mode in tests, a cluster for a province): same rule, transpiled.

Warehouse tables reach Spark as Parquet files written by DuckDB. One Spark
session serves the whole process (one JVM); pyspark is imported only here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from procura.engine.base import Engine, EngineError
from procura.engine.dialect import dialect
from procura.warehouse import probes
from procura.warehouse.lake import Lake, LakeTable

_SESSION: Any = None


def unavailable_reason() -> str | None:
    """Why Spark cannot run here (no pyspark, no Java), or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'procura[spark]')"
    if not shutil.which("java"):
        return "Java is not installed (Spark needs a JRE 17+)"
    return None


def spark_session(extra_conf: Mapping[str, str] | None = None) -> Any:
    """The process-wide local Spark session, created on first use.

    ``extra_conf`` adds to the dialect's session settings when the session is
    created (tests turn off code generation, which costs more than it saves
    on tiny tables); a later call gets the existing session unchanged.
    """
    global _SESSION
    if _SESSION is None:
        reason = unavailable_reason()
        if reason:
            raise EngineError(f"Spark is unavailable: {reason}")
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.master("local[2]").appName("procura")
        for key, value in {**dialect("spark").session_conf, **(extra_conf or {})}.items():
            builder = builder.config(key, value)
        _SESSION = builder.getOrCreate()
        _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


# Every rule reads ``mentions`` of one table and role: stored in that order, a scan
# skips the other tables' Parquet row groups (and cached batches) by their statistics.
_ORDER = {"mentions": ("table_name", "role", "record_key")}


def export_parquet(con: duckdb.DuckDBPyConnection, tables: Iterable[str], folder: Path) -> dict[str, Path]:
    """Write each table to ``folder/<table>.parquet`` (JSON columns left out); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for table in tables:
        columns = ", ".join(
            f'"{name}"' for name, kind in probes.columns(con, table).items() if kind != "JSON"
        )
        order = ", ".join(f'"{c}"' for c in _ORDER.get(table, ()))
        query = f'SELECT {columns} FROM "{table}"' + (f" ORDER BY {order}" if order else "")
        path = folder / f"{table}.parquet"
        con.execute(f"COPY ({query}) TO '{path}' (FORMAT parquet)")
        paths[table] = path
    return paths


def lake_frame(session: Any, lake: Lake, table: LakeTable) -> Any:
    """One lake table as a DataFrame of its warehouse columns (partition keys left out).

    The files are the manifest's; ``basePath`` makes Spark read the
    ``region=``/``batch=`` folders as partitions. JSON columns stay text.
    """
    files = [str(path) for path in table.files(lake.root)]
    if not files:
        kinds = {name: "VARCHAR" if kind == "JSON" else kind for name, kind in table.columns.items()}
        types = {name: exp.DataType.build(k, dialect="duckdb").sql("spark") for name, k in kinds.items()}
        schema = ", ".join(f"`{name}` {kind}" for name, kind in types.items())
        return session.createDataFrame([], schema=schema)
    frame = session.read.option("basePath", str(lake.root / table.name)).parquet(*files)
    return frame.select(*[f"`{name}`" for name in table.columns])


class SparkEngine(Engine):
    """Runs rules with Spark SQL over Parquet copies of the tables.

    Temporary views are global to the Spark session, so an engine (re)binds
    its table names to its own DataFrames before each query: several engines
    may share the session one query at a time.
    """

    def __init__(self, parquet: dict[str, Path], session: Any = None) -> None:
        self.dialect = dialect("spark")
        self.session = session or spark_session()
        self._frames = {table: self.session.read.parquet(str(path)) for table, path in parquet.items()}
        if self.dialect.cache_tables:  # once per engine, here, not by whichever rule reads first
            self._frames = {table: frame.cache() for table, frame in self._frames.items()}
            for frame in self._frames.values():
                frame.count()

    @classmethod
    def from_lake(cls, lake: Lake, tables: Iterable[str]) -> SparkEngine:
        """A Spark engine over tables of a verified Parquet lake: its files, no DuckDB in the path."""
        engine = cls({})
        for name in sorted(set(tables)):
            frame = lake_frame(engine.session, lake, lake.table(name))
            engine._frames[name] = frame.cache() if engine.dialect.cache_tables else frame
        return engine

    @classmethod
    def from_duckdb(cls, con: duckdb.DuckDBPyConnection, tables: Iterable[str], folder: Path) -> SparkEngine:
        """A Spark engine over the given tables of a DuckDB database."""
        return cls(export_parquet(con, tables, folder))

    def query_arrow(self, sql: str) -> pa.Table:
        return self.query_steps([(None, sql)])

    def query_steps(self, steps: Sequence[tuple[str | None, str]]) -> pa.Table:
        """Each named step computed once (cached) as a view, then the last step.

        A step is checkpointed (its plan cut, so later steps do not re-plan or
        recompute it) and then cached: the cache records its measured size, so
        later steps broadcast it when it is small, where a bare checkpoint has no
        size and every join with it is a sort-merge join (ADR 0121).
        """
        for table, frame in self._frames.items():
            frame.createOrReplaceTempView(table)
        done: list[tuple[str, Any]] = []
        try:
            for name, sql in steps[:-1]:
                assert name is not None
                frame = self.session.sql(sql).localCheckpoint(eager=True).cache()
                done.append((name, frame))
                frame.count()
                frame.createOrReplaceTempView(name)
            table = self.session.sql(steps[-1][1]).toArrow()
        finally:
            for name, frame in done:
                self.session.catalog.dropTempView(name)
                frame.unpersist()
        return table if isinstance(table, pa.Table) else pa.Table.from_batches(table)

    def tables(self) -> Sequence[str]:
        return sorted(self._frames)

    def close(self) -> None:
        for frame in self._frames.values():
            frame.unpersist()
