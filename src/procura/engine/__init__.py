"""Engines that run supervision rules: DuckDB (default) and Spark (scale-out).

The same rule SQL runs on both; their differences live in ``dialect.DIALECTS``.
"""

from __future__ import annotations

from procura.engine.base import Engine
from procura.engine.dialect import DIALECTS, Dialect

__all__ = ["DIALECTS", "Dialect", "Engine"]
