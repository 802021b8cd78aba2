"""``tests.yaml``: small inputs and the leads a model must find in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from procura.models.spec import ModelSpec
from procura.warehouse.schema import readable_tables, table_columns

# libyaml's parser when built in: tests.yaml files are large.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class TestCase:
    """One case: tables of rows, the run date, parameter overrides, expected anchors."""

    __test__ = False  # not a pytest class

    name: str
    as_of: date
    tables: dict[str, list[dict[str, Any]]]
    params: dict[str, Any]
    expect: tuple[tuple[str, ...], ...]

    def expected(self) -> list[tuple[str, ...]]:
        """Expected leads as sorted anchor-key tuples, sorted (order-insensitive)."""
        return sorted(tuple(sorted(keys)) for keys in self.expect)


def _case(raw: Any, number: int, spec: ModelSpec) -> TestCase:
    if not isinstance(raw, dict):
        raise ValueError(f"case {number}: expected a mapping")
    name = raw.get("name") or f"case {number}"
    where = f"case {name!r}"
    unknown = sorted(set(raw) - {"name", "params", "as_of", "tables", "expect"})
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}")
    if "as_of" not in raw:
        raise ValueError(f"{where}: as_of is required")
    as_of = raw["as_of"] if isinstance(raw["as_of"], date) else date.fromisoformat(str(raw["as_of"]))
    params = raw.get("params") or {}
    if not isinstance(params, dict) or set(params) - set(spec.parameters):
        raise ValueError(f"{where}: params must be a mapping of declared parameters")
    tables = raw.get("tables") or {}
    if not isinstance(tables, dict):
        raise ValueError(f"{where}: tables must be a mapping of table name to rows")
    for table, rows in tables.items():
        if table not in readable_tables():
            raise ValueError(f"{where}: unknown table {table!r}")
        columns = table_columns(table)
        for i, row in enumerate(rows or [], start=1):
            if not isinstance(row, dict):
                raise ValueError(f"{where}: {table} row {i} is not a mapping")
            bad = sorted(set(row) - set(columns))
            if bad:
                raise ValueError(f"{where}: {table} row {i}: unknown column {bad[0]!r}")
    expect = raw.get("expect")
    if not isinstance(expect, list) or not all(isinstance(e, list) for e in expect):
        raise ValueError(f"{where}: expect must be a list of anchor-key lists")
    return TestCase(
        name=str(name),
        as_of=as_of,
        tables={t: list(rows or []) for t, rows in tables.items()},
        params=dict(params),
        expect=tuple(tuple(str(k) for k in keys) for keys in expect),
    )


def read_tests(path: Path, spec: ModelSpec) -> tuple[TestCase, ...]:
    """Read and validate a model's tests.yaml; at least one case is required."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}") from None
    cases = (data or {}).get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not cases:
        raise ValueError("tests.yaml needs a non-empty `cases:` list")
    parsed = tuple(_case(raw, i, spec) for i, raw in enumerate(cases, start=1))
    names = [c.name for c in parsed]
    if len(set(names)) != len(names):
        raise ValueError("case names must be unique")
    return parsed
