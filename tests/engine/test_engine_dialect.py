from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from procura.engine.dialect import DIALECTS, dialect
from procura.engine.duckdb import DuckDBEngine
from procura.engine.fixture import FixtureError, create_tables, fixture_connection
from procura.models.sql import parse_rule
from procura.warehouse.schema import primary_keys, readable_tables, table_columns


def test_dialect_table_is_the_one_place_for_engine_differences() -> None:
    assert set(DIALECTS) == {"duckdb", "spark"}
    assert dialect("spark").session_conf["spark.sql.shuffle.partitions"] == "2"
    with pytest.raises(ValueError, match="unknown engine 'oracle'"):
        dialect("oracle")


def test_spark_gets_size_for_list_length() -> None:
    rule = parse_rule("SELECT len(list_distinct(x)) AS n, len(name) AS m FROM t")
    sql = dialect("spark").generate(rule)
    assert "SIZE(ARRAY_DISTINCT(x))" in sql and "LENGTH(name)" in sql
    assert dialect("duckdb").generate(rule).startswith("SELECT LENGTH(LIST_DISTINCT(x))")


def test_schema_covers_standard_and_entity_tables() -> None:
    assert {"police_reports", "platform_orders", "mentions", "entities"} <= readable_tables()
    columns = table_columns("police_reports")
    assert columns["received_at"] == "DATE" and columns["victim_id_no_valid"] == "BOOLEAN"
    assert columns["views_count"] == "BIGINT" and columns["_source_row"] == "BIGINT"
    assert table_columns("platform_orders")["paid_price"] == "DECIMAL(18,2)"
    assert primary_keys()["criminal_cases"] == ("case_no", "suspect_key")


def test_fixture_fills_missing_columns_with_typed_nulls() -> None:
    con = fixture_connection(
        {"police_reports": [{"report_id": "R1", "received_at": "2026-01-02"}]}, ["mentions"]
    )
    engine = DuckDBEngine(con)
    rows = engine.run(
        parse_rule("SELECT report_id, received_at + 1 AS next, views_count, filed FROM police_reports")
    )
    assert rows == [
        {
            "report_id": "R1",
            "next": __import__("datetime").date(2026, 1, 3),
            "views_count": None,
            "filed": None,
        }
    ]
    assert engine.run(parse_rule("SELECT count(*) AS n FROM mentions")) == [{"n": 0}]


def test_fixture_errors_name_table_row_and_column() -> None:
    with pytest.raises(FixtureError, match="police_reports row 2: unknown column 'nope'"):
        fixture_connection({"police_reports": [{"report_id": "R1"}, {"nope": 1}]})
    with pytest.raises(FixtureError, match="police_reports row 1"):
        fixture_connection({"police_reports": [{"received_at": "not a date"}]})
    with pytest.raises(FixtureError, match="unknown table 'nowhere'"):
        fixture_connection({"nowhere": []})


def test_decimals_come_back_as_floats() -> None:
    engine = DuckDBEngine(duckdb.connect())
    assert engine.run(parse_rule("SELECT CAST(1.25 AS DECIMAL(18,2)) AS m, [1, 2] AS l")) == [
        {"m": 1.25, "l": [1, 2]}
    ]


def test_spark_unavailable_is_a_clear_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from procura.engine import spark
    from procura.engine.base import EngineError

    monkeypatch.setattr(spark, "_SESSION", None)
    monkeypatch.setattr(spark, "unavailable_reason", lambda: "Java is not installed (Spark needs a JRE 17+)")
    with pytest.raises(EngineError, match="Spark is unavailable: Java is not installed"):
        spark.spark_session()


SHARED = """
WITH a AS (SELECT x, count(*) AS n FROM t GROUP BY x),
     b AS (SELECT x FROM a WHERE x > 1),
     c AS (SELECT x FROM b UNION ALL SELECT x FROM a)
SELECT c.x FROM c JOIN b ON b.x = c.x
"""


def test_a_cte_read_twice_becomes_a_step_of_its_own() -> None:
    rule = parse_rule(SHARED)
    steps = dialect("spark").steps(rule)
    assert [name for name, _ in steps] == ["a", "b", None]
    assert "WITH" not in steps[0][1] and "FROM a" in steps[1][1]
    assert steps[-1][1].startswith("WITH c AS")
    assert dialect("duckdb").steps(rule) == [(None, dialect("duckdb").generate(rule))]


def test_steps_give_the_rows_of_the_one_statement() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM range(5) r(x)")
    rule = parse_rule(SHARED)
    for name, sql in dialect("spark").steps(rule):
        if name:
            con.execute(f"CREATE TEMP TABLE {name} AS {sql}")
        else:
            stepped = sorted(con.execute(sql).fetchall())
    assert stepped == sorted(con.execute(dialect("duckdb").generate(rule)).fetchall())


def test_a_rule_without_shared_ctes_is_one_step() -> None:
    rule = parse_rule("WITH a AS (SELECT x FROM t) SELECT x FROM a")
    assert [name for name, _ in dialect("spark").steps(rule)] == [None]


def test_a_plain_filter_read_twice_stays_inline() -> None:
    # Scanning a cached table twice is cheaper than storing a filtered copy of it.
    rule = parse_rule("WITH a AS (SELECT x FROM t WHERE x > 1) SELECT a.x FROM a JOIN a AS b ON a.x = b.x")
    assert [name for name, _ in dialect("spark").steps(rule)] == [None]


def test_mentions_are_exported_in_table_and_role_order(tmp_path: Path) -> None:
    """Sorted, a cached scan of one table's mentions skips the batches of the others."""
    from procura.engine.spark import export_parquet

    con = duckdb.connect()
    create_tables(con, ["mentions"])
    rows = [("court_parties", "K2", "party"), ("app_reports", "K1", "operator"), ("app_reports", "K0", "a")]
    con.executemany("INSERT INTO mentions (table_name, record_key, role) VALUES (?, ?, ?)", rows)
    path = export_parquet(con, ["mentions"], tmp_path)["mentions"]
    read = con.sql(f"SELECT table_name, record_key, role FROM '{path}'").fetchall()
    assert read == sorted(rows, key=lambda r: (r[0], r[2], r[1]))
