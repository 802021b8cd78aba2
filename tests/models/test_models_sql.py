from __future__ import annotations

from datetime import date

import duckdb
import pytest

from procura.models.params import Binding
from procura.models.spec import DatedValue
from procura.models.sql import RuleError, bind, parse_rule, placeholders, referenced_tables

AS_OF = date(2026, 6, 30)


def _dated(*rows: tuple[str, int], default: int = 1, column: str = "d") -> Binding:
    values = tuple(DatedValue.model_validate({"from": f, "value": v}) for f, v in rows)
    return Binding("int", default, values, column)


def test_tables_exclude_ctes_and_include_joins() -> None:
    rule = parse_rule("WITH a AS (SELECT * FROM police_reports) SELECT * FROM a JOIN mentions m ON true")
    assert referenced_tables(rule) == {"police_reports", "mentions"}
    assert placeholders(parse_rule("SELECT $x, $as_of FROM t")) == {"x", "as_of"}


def test_bound_literals_have_their_types() -> None:
    rule = parse_rule("SELECT $i AS i, $m AS m, $s AS s, $d AS d, $b AS b, $l AS l, $as_of AS a")
    values = {
        "i": Binding("int", 3),
        "m": Binding("money", 1234.5),
        "s": Binding("str", "it's"),
        "d": Binding("date", date(2025, 1, 2)),
        "b": Binding("bool", True),
        "l": Binding("list[str]", ["x", "y"]),
    }
    (row,) = duckdb.sql(bind(rule, values, AS_OF).sql("duckdb")).fetchall()
    assert row == (3, 1234.5, "it's", date(2025, 1, 2), True, ["x", "y"], AS_OF)


def test_in_a_list_parameter_expands_to_a_tuple() -> None:
    rule = parse_rule("SELECT x FROM (VALUES ('a'), ('b'), ('c')) t(x) WHERE x IN $l ORDER BY x")
    sql = bind(rule, {"l": Binding("list[str]", ["a", "c"])}, AS_OF).sql("duckdb")
    assert duckdb.sql(sql).fetchall() == [("a",), ("c",)]
    assert "IN ('a', 'c')" in bind(rule, {"l": Binding("list[str]", ["a", "c"])}, AS_OF).sql("spark")


def test_in_needs_a_list_parameter() -> None:
    rule = parse_rule("SELECT 1 WHERE 'a' IN $n")
    with pytest.raises(RuleError, match=r"IN \$n"):
        bind(rule, {"n": Binding("int", 1)}, AS_OF)


def test_dated_parameter_applies_the_value_in_force_at_each_event() -> None:
    rule = parse_rule(
        "SELECT d, $t AS t FROM (VALUES (DATE '2024-12-31'), (DATE '2025-01-01'), (DATE '2026-02-28'),"
        " (DATE '2026-03-01')) v(d) ORDER BY d"
    )
    value = _dated(("2025-01-01", 10), ("2026-03-01", 20), default=5)
    rows = duckdb.sql(bind(rule, {"t": value}, AS_OF).sql("duckdb")).fetchall()
    assert [r[1] for r in rows] == [5, 10, 10, 20]
    assert value.on(date(2026, 3, 1)) == 20 and value.on(date(2024, 1, 1)) == 5


def test_unknown_placeholder_at_bind_time() -> None:
    with pytest.raises(RuleError, match=r"\$zz"):
        bind(parse_rule("SELECT $zz"), {}, AS_OF)
