"""The engine interface: run one rule's SQL over the model-readable tables."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
from sqlglot import exp

from procura.engine.dialect import Dialect


class EngineError(RuntimeError):
    """A query failed inside an engine (its own exception types vary: DuckDB, Spark/JVM)."""


class Engine(ABC):
    """An engine runs a parsed rule and returns its rows as plain Python values."""

    dialect: Dialect

    @property
    def name(self) -> str:
        return self.dialect.name

    def sql(self, rule: exp.Expr) -> str:
        """The rule as this engine's SQL text."""
        return self.dialect.generate(rule)

    def run(self, rule: exp.Expr) -> list[dict[str, Any]]:
        """Execute ``rule``; rows as dicts of Python values (lists, dates, floats)."""
        try:
            table = self.query_steps(self.dialect.steps(rule))
        except Exception as exc:  # the engine boundary: DuckDB, Py4J and Spark errors alike
            message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EngineError(f"{self.name}: {message}") from exc
        return rows_from_arrow(table)

    @abstractmethod
    def query_arrow(self, sql: str) -> pa.Table:
        """Execute SQL text of this engine's dialect."""

    def query_steps(self, steps: Sequence[tuple[str | None, str]]) -> pa.Table:
        """Execute ``Dialect.steps`` output: named steps are views the last step reads."""
        if len(steps) > 1:
            raise NotImplementedError(f"{self.name} runs a rule as one statement")
        return self.query_arrow(steps[-1][1])

    @abstractmethod
    def tables(self) -> Sequence[str]:
        """The tables this engine can read."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources the engine owns."""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def rows_from_arrow(table: pa.Table) -> list[dict[str, Any]]:
    """Arrow rows as dicts, decimals made floats so both engines agree."""
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_pylist()]
