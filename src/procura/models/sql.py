"""Rule SQL: parse it, check what it reads, and bind parameters as literals.

Rules are DuckDB SQL with ``$name`` placeholders. Binding replaces each
placeholder by a typed literal (or, for a dated parameter, a CASE over the
event date) in the SQLGlot tree, so the same tree can be generated for any
engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from procura.errors import InvalidInput
from procura.models.params import Binding


class RuleError(InvalidInput):
    """rule.sql is not one valid SELECT, or reads something it may not."""


def parse_rule(text: str) -> exp.Query:
    """The one SELECT of a rule, parsed as DuckDB SQL."""
    try:
        statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    except ParseError as exc:
        raise RuleError(f"SQL does not parse: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise RuleError(f"expected exactly one SELECT statement, found {len(statements)}")
    statement = statements[0]
    if not isinstance(statement, exp.Query):
        raise RuleError(f"expected a SELECT, found {statement.key.upper()}")
    return statement


def parse_expression(text: str) -> exp.Expr:
    """One SQL expression (such as a dated parameter's event-date column)."""
    try:
        node = sqlglot.parse_one(text, read="duckdb")
    except ParseError as exc:
        raise RuleError(f"{text!r} does not parse: {str(exc).splitlines()[0]}") from None
    if not isinstance(node, exp.Column | exp.Cast | exp.Func | exp.Dot):
        raise RuleError(f"{text!r} is not a column expression")
    return node


def referenced_tables(rule: exp.Expr) -> set[str]:
    """Tables the rule reads, CTE names excluded."""
    ctes = {cte.alias_or_name for cte in rule.find_all(exp.CTE)}
    names: set[str] = set()
    for table in rule.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            names.add(table.sql(dialect="duckdb"))  # a table function such as read_csv(...)
        elif table.db or table.name not in ctes:
            names.add(table.sql(dialect="duckdb") if table.db else table.name)
    return names


def placeholders(rule: exp.Expr) -> set[str]:
    """Names of the ``$name`` parameters the rule uses."""
    return {p.name for p in rule.find_all(exp.Placeholder)}


def output_columns(rule: exp.Query) -> list[str] | None:
    """Names of the rule's output columns, or None when a ``*`` hides them."""
    selects = rule.selects
    if any(isinstance(s, exp.Star) or (isinstance(s, exp.Column) and s.is_star) for s in selects):
        return None
    return [s.alias_or_name for s in selects]


def literal(kind: str, value: Any) -> exp.Expr:
    """A typed SQL literal for a parameter value."""
    if kind in ("int", "float", "money"):
        return exp.Literal.number(value)
    if kind == "bool":
        return exp.Boolean(this=bool(value))
    if kind == "date":
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if kind == "list[str]":
        return exp.Array(expressions=[exp.Literal.string(v) for v in value])
    return exp.Literal.string(str(value))


def _dated(binding: Binding) -> exp.Expr:
    column = parse_expression(binding.event_date or "")
    case = exp.Case()
    for row in reversed(binding.dated):
        since = exp.cast(exp.Literal.string(row.from_.isoformat()), exp.DataType.Type.DATE)
        case = case.when(exp.GTE(this=column.copy(), expression=since), literal(binding.type, row.value))
    return case.else_(literal(binding.type, binding.value))


def bind(rule: exp.Query, values: Mapping[str, Binding], as_of: date) -> exp.Query:
    """A copy of ``rule`` with every ``$name`` replaced by its value; ``$as_of`` by the run date."""

    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.In) and isinstance(node.args.get("field"), exp.Placeholder):
            name = node.args["field"].name
            binding = values.get(name)
            if binding is None or binding.type != "list[str]" or binding.dated:
                raise RuleError(f"`IN ${name}` needs an undated list[str] parameter")
            items: list[exp.Expr] = [exp.Literal.string(v) for v in binding.value] or [exp.Null()]
            return exp.In(this=node.this, expressions=items)
        if not isinstance(node, exp.Placeholder):
            return node
        if node.name == "as_of":
            return literal("date", as_of)
        binding = values.get(node.name)
        if binding is None:
            raise RuleError(f"unknown parameter ${node.name}")
        return _dated(binding) if binding.dated else literal(binding.type, binding.value)

    return rule.transform(replace)  # type: ignore[return-value]  # transform copies the tree
