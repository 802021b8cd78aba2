"""Running a model's tests.yaml: each case on a fresh in-memory warehouse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from procura.engine.base import Engine, EngineError
from procura.engine.duckdb import DuckDBEngine
from procura.engine.fixture import fixture_connection
from procura.models.build import find_leads
from procura.models.casefile import TestCase
from procura.models.loader import Model
from procura.warehouse.keys import key_of

EngineFactory = Callable[[duckdb.DuckDBPyConnection], Engine]


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: expected and found anchors, or the error."""

    model_id: str
    model_version: str
    case: str
    expected: list[tuple[str, ...]]
    found: list[tuple[str, ...]]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and self.expected == self.found

    def describe(self) -> str:
        """Why the case failed, in one line."""
        if self.error:
            return self.error
        missing = sorted(set(self.expected) - set(self.found))
        extra = sorted(set(self.found) - set(self.expected))
        parts = []
        if missing:
            parts.append("missing " + ", ".join("[" + ", ".join(k) + "]" for k in missing))
        if extra:
            parts.append("unexpected " + ", ".join("[" + ", ".join(k) + "]" for k in extra))
        return "; ".join(parts) or "duplicate leads"


def run_case(model: Model, case: TestCase, make_engine: EngineFactory = DuckDBEngine) -> CaseResult:
    """Run one case; errors (bad SQL, bad rows) become a failed result, not an exception."""
    found: list[tuple[str, ...]] = []
    error = None
    try:
        con = fixture_connection(case.tables, model.spec.tables)
    except ValueError as exc:
        return CaseResult(model.id, model.version, case.name, case.expected(), [], str(exc))
    engine = make_engine(con)
    try:
        leads = find_leads(model, engine, case.as_of, case.params)
        found = sorted(tuple(sorted(key_of(a["key"]) for a in lead.anchor)) for lead in leads)
    except (ValueError, EngineError, duckdb.Error) as exc:
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.close()
        con.close()
    return CaseResult(model.id, model.version, case.name, case.expected(), found, error)


def run_tests(model: Model, make_engine: EngineFactory = DuckDBEngine) -> list[CaseResult]:
    """Every case of one model."""
    return [run_case(model, case, make_engine) for case in model.tests]
