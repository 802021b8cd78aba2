"""Spark over the Parquet lake finds the leads DuckDB finds over the warehouse, with no DuckDB file read."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from procura.config import Settings
from procura.engine.base import Engine
from procura.engine.duckdb import DuckDBEngine
from procura.models.build import find_leads
from procura.models.loader import load_catalog
from procura.synth.warehouse import load_dataset
from procura.warehouse.lake import export

AS_OF = date(2026, 6, 30)

pytestmark = pytest.mark.spark
TINY_DATA_CONF = {  # as test_engine_parity: tiny tables, no code generation or adaptive planning
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
}


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Engine, Path]]:
    from procura.engine.spark import spark_session, unavailable_reason
    from procura.engine.warehouse import open_lake_engine

    reason = unavailable_reason()
    if reason:
        if Settings().require_spark:
            pytest.fail(f"required in CI but unavailable: {reason}")
        pytest.skip(reason)
    from procura.synth.dataset import build

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        dataset = build(seed=1, scale=0.05)
    folder = tmp_path_factory.mktemp("lake")
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    load_dataset(con, dataset)
    export(con, folder / "lake")
    spark_session(TINY_DATA_CONF)
    tables = {t for m in load_catalog().select([]) for t in m.spec.tables}
    spark = open_lake_engine("spark", folder / "lake", tables)
    yield con, spark, folder / "lake"
    spark.close()
    con.close()


def test_every_model_on_spark_over_the_lake_equals_duckdb_on_the_warehouse(engines: tuple) -> None:
    con, spark, _ = engines
    catalog = load_catalog()
    found = 0
    for model in catalog.select([]):
        on_duckdb = [lead.as_dict() for lead in find_leads(model, DuckDBEngine(con), AS_OF)]
        on_spark = [lead.as_dict() for lead in find_leads(model, spark, AS_OF)]
        assert on_duckdb == on_spark, f"{model.id}: engines disagree"
        found += len(on_duckdb) > 0
    assert found == len(catalog.models), "every model should find leads in the generated dataset"


def test_procura_run_on_spark_reads_the_lake_without_a_warehouse(engines: tuple, tmp_path: Path) -> None:
    """`procura run --engine spark --lake DIR` in a workspace that has no warehouse file at all."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
    from model_toy import TOY_ID, toy_reports, toy_warehouse, write_model
    from typer.testing import CliRunner

    from procura.cli import app
    from procura.migrations import open_store
    from procura.models.service import RunRequest, run

    settings = Settings(home=tmp_path / "ws").ensure()
    rows = toy_reports(
        region=lambda i: "330110" if i % 2 else "110105", batch=lambda i: f"police_reports-0000{i % 3}-abc"
    )
    wh = toy_warehouse(settings.warehouse_path, rows)
    export(wh, tmp_path / "lake")
    wh.close()
    write_model(tmp_path / "catalog")
    request = RunRequest(models=[TOY_ID], as_of=AS_OF, catalogs=[tmp_path / "catalog"])
    (on_duckdb,) = run(settings, open_store(settings), request)
    settings.warehouse_path.unlink()
    args = [
        "--workspace",
        str(settings.home),
        "run",
        TOY_ID,
        "--engine",
        "spark",
        "--lake",
        str(tmp_path / "lake"),
    ]
    result = CliRunner().invoke(
        app, [*args, "--as-of", AS_OF.isoformat(), "--catalog", str(tmp_path / "catalog")]
    )
    assert result.exit_code == 0, result.output
    assert not settings.warehouse_path.exists(), "Spark over the lake opens no DuckDB file"
    assert (on_duckdb.found, on_duckdb.new) == (4, 4)
    assert "4 条线索 leads, 0 新增 new" in result.output
