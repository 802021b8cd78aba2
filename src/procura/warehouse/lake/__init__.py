"""The Parquet lake: the warehouse's tables as Hive-partitioned Parquet with a manifest (ADR 0130).

``<lake>/<table>/region=<2-digit prefix>/batch=<batch id>/part-<uuid>.parquet``
(partition keys per table in ``layout``), and ``<lake>/manifest.json`` listing
every file with its row count, size and SHA-256. ``export`` writes it from a
DuckDB warehouse (changed partitions only), ``verify``/``open_lake`` check it
before any engine reads, ``attach`` makes it DuckDB views; the Spark engine
reads the same files (``procura.engine.spark``).
"""

from __future__ import annotations

from procura.warehouse.lake.manifest import Lake, LakeError, LakeTable, Verified, open_lake, verify
from procura.warehouse.lake.views import attach, select_sql
from procura.warehouse.lake.write import ExportSummary, export

__all__ = [
    "ExportSummary",
    "Lake",
    "LakeError",
    "LakeTable",
    "Verified",
    "attach",
    "export",
    "open_lake",
    "select_sql",
    "verify",
]
