"""The Parquet lake: round trip, incremental export, verification, and bad lakes that change nothing."""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from procura.cli import app
from procura.config import Settings
from procura.engine.base import EngineError
from procura.engine.duckdb import DuckDBEngine
from procura.engine.fixture import create_tables, insert_rows
from procura.engine.warehouse import open_engine, open_lake_engine
from procura.ingest.service import ingest
from procura.migrations import open_store
from procura.models.build import find_leads
from procura.models.loader import load_catalog
from procura.models.service import RunRequest, run
from procura.synth.dataset import generate
from procura.warehouse.lake import LakeError, attach, export, open_lake, verify
from procura.warehouse.lake import write as write_module
from procura.warehouse.lake.manifest import MANIFEST, sha256_file
from tests.ingest.sample_files import HEADER, write_csv

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic dataset, ingested once into a warehouse that tests copy."""
    root = tmp_path_factory.mktemp("lake-src")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        generate(root / "synth", seed=1, scale=0.05)
    settings = Settings(home=root / "ws").ensure()
    ingest(settings, root / "synth" / "data")
    con = duckdb.connect(str(settings.warehouse_path))
    create_tables(con, ["mentions", "entities"])
    insert_rows(con, "mentions", [{"table_name": "police_reports", "record_key": "R1", "entity_id": "P-1"}])
    insert_rows(con, "entities", [{"entity_id": "P-1", "kind": "person", "birth_date": "2001-02-03"}])
    con.close()
    return settings.warehouse_path


@pytest.fixture
def ws(source: Path, tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(home=tmp_path / "ws").ensure()
    shutil.copy(source, settings.warehouse_path)
    yield settings


def _export(settings: Settings, root: Path) -> dict[str, dict[str, int]]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return export(con, root).tables
    finally:
        con.close()


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _files(root: Path, table: str) -> list[Path]:
    return sorted((root / table).rglob("*.parquet"))


def test_round_trip_keeps_every_row_and_column(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "数据 o'lake"  # a quote and a space in the path
    _export(ws, root)
    wh = duckdb.connect(str(ws.warehouse_path), read_only=True)
    lake = duckdb.connect()
    names = attach(lake, open_lake(root))
    assert {"police_reports", "_quarantine", "_batches", "mentions", "entities"} <= set(names)
    for table in names:
        mine = wh.execute(f'SELECT * FROM "{table}"').fetchall()
        theirs = lake.execute(f'SELECT * FROM "{table}"').fetchall()
        assert sorted(map(repr, mine)) == sorted(map(repr, theirs)), table
        wh_cols = wh.execute(f'DESCRIBE "{table}"').fetchall()
        lake_cols = lake.execute(f'DESCRIBE "{table}"').fetchall()
        assert [c[:2] for c in wh_cols] == [c[:2] for c in lake_cols], f"{table}: columns or types differ"
    quarantined = wh.execute("SELECT count(*) FROM _quarantine").fetchone()
    assert quarantined is not None and quarantined[0] > 0, "the synth data plants malformed rows"
    # Hive layout: region prefix and batch for standard tables, batch for quarantine, none for links.
    batch = wh.execute("SELECT min(_batch_id) FROM police_reports").fetchone()
    assert batch is not None
    assert (root / "police_reports" / "region=33" / f"batch={batch[0]}").is_dir()
    assert all(p.parent.name.startswith("batch=") for p in _files(root, "_quarantine"))
    assert [p.parent.name for p in _files(root, "mentions")] == ["mentions"]
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    for table in manifest["tables"].values():
        for partition in table["partitions"]:
            for entry in partition["files"]:
                assert sha256_file(root / entry["path"]) == entry["sha256"]
    wh.close()


def test_export_again_writes_nothing_and_a_new_batch_adds_partitions(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    first = _export(ws, root)
    before = _snapshot(root)
    again = _export(ws, root)
    assert sum(t["written"] for t in again.values()) == 0
    assert {k: v for k, v in _snapshot(root).items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST
    }
    rows = [["LAKE-1", "440305", "2026-01-05", "online_defamation", "张三", "", "", "true", "10", ""]]
    ingest(ws, write_csv(tmp_path / "police_reports.csv", HEADER, rows))
    added = _export(ws, root)
    assert added["police_reports"]["written"] == 1 and added["police_reports"]["rows_written"] == 1
    assert added["police_reports"]["kept"] == first["police_reports"]["partitions"]
    assert added["_batches"]["written"] == 1
    assert set(before) - {MANIFEST} <= set(_snapshot(root)), "old partitions are not rewritten"
    new = [p for p in _files(root, "police_reports") if "region=44" in p.as_posix()]
    assert len(new) == 1 and "batch=police_reports-" in new[0].as_posix()


def test_a_changed_partition_is_rewritten_and_a_gone_one_dropped(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _export(ws, root)
    con = duckdb.connect(str(ws.warehouse_path))
    con.execute("DELETE FROM app_reports WHERE region_code NOT LIKE '33%'")
    con.execute("DELETE FROM app_reports WHERE report_id = (SELECT min(report_id) FROM app_reports)")
    left = con.execute("SELECT count(*) FROM app_reports").fetchone()
    con.close()
    replaced = set(_files(root, "app_reports"))
    counts = _export(ws, root)["app_reports"]
    assert counts["dropped"] >= 1 and counts["written"] == 1 and counts["kept"] == 0
    assert counts["partitions"] == 1, "only the rewritten region=33 partition is left"
    assert replaced <= set(_files(root, "app_reports")), "a reader of the old manifest can still read"
    _export(ws, root)
    assert not replaced & set(_files(root, "app_reports")), "replaced files go with the next export"
    assert all("region=33" in p.as_posix() for p in _files(root, "app_reports"))
    view = duckdb.connect()
    attach(view, open_lake(root), ["app_reports"])
    assert view.execute("SELECT count(*) FROM app_reports").fetchone() == left


def test_missing_partition_is_named_and_changes_nothing(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _export(ws, root)
    gone = _files(root, "court_cases")[0].parent
    shutil.rmtree(gone)
    snapshot = _snapshot(root)
    label = gone.relative_to(root).as_posix()
    with pytest.raises(LakeError, match=f"partition {label} is missing"):
        verify(root)
    with pytest.raises(LakeError, match="is missing"):
        _export(ws, root)
    store = open_store(ws)
    with pytest.raises(LakeError, match="is missing"):
        run(ws, store, RunRequest(as_of=None, lake=root))
    assert _snapshot(root) == snapshot
    with store() as session:
        assert session.execute(text("SELECT count(*) FROM model_runs")).scalar() == 0


@pytest.mark.parametrize("change", ["flip a byte", "append"])
def test_a_file_that_does_not_match_its_hash_is_named(ws: Settings, tmp_path: Path, change: str) -> None:
    root = tmp_path / "lake"
    _export(ws, root)
    target = _files(root, "police_reports")[0]
    data = bytearray(target.read_bytes())
    if change == "append":
        data += b"\0"
    else:
        data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    snapshot = _snapshot(root)
    path = target.relative_to(root).as_posix()
    with pytest.raises(LakeError, match=f"{path} does not match the manifest"):
        verify(root)
    with pytest.raises(LakeError, match="does not match the manifest"):
        open_lake_engine("duckdb", root, ["police_reports"])
    with pytest.raises(LakeError, match="does not match the manifest"):
        _export(ws, root)
    assert _snapshot(root) == snapshot
    if change == "flip a byte":  # same size: only the hash sees it
        assert verify(root, hashes=False).files > 0


def test_a_failed_export_leaves_the_old_lake(
    ws: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lake"

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(write_module, "write_manifest", fail)
    with pytest.raises(OSError, match="disk full"):
        _export(ws, root)
    assert not root.exists(), "a first export that fails leaves no lake"
    monkeypatch.undo()
    _export(ws, root)
    snapshot = _snapshot(root)
    con = duckdb.connect(str(ws.warehouse_path))
    con.execute("DELETE FROM police_reports WHERE report_id = (SELECT min(report_id) FROM police_reports)")
    con.close()
    monkeypatch.setattr(write_module, "write_manifest", fail)
    with pytest.raises(OSError, match="disk full"):
        _export(ws, root)
    assert _snapshot(root) == snapshot
    assert verify(root).rows > 0


def test_models_on_duckdb_over_the_lake_find_what_the_warehouse_finds(tmp_path: Path) -> None:
    from procura.synth.dataset import build
    from procura.synth.warehouse import load_dataset

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        dataset = build(seed=1, scale=0.05)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    load_dataset(con, dataset)
    export(con, tmp_path / "lake")
    catalog = load_catalog()
    tables = {t for m in catalog.select([]) for t in m.spec.tables}
    lake = open_lake_engine("duckdb", tmp_path / "lake", tables)
    found = 0
    for model in catalog.select([]):
        on_warehouse = [lead.as_dict() for lead in find_leads(model, DuckDBEngine(con), AS_OF)]
        assert on_warehouse == [lead.as_dict() for lead in find_leads(model, lake, AS_OF)]
        found += len(on_warehouse)
    assert found > 0
    lake.close()
    con.close()


def test_spark_that_cannot_start_says_why_and_runs_nothing(
    ws: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procura.engine import spark

    root = tmp_path / "lake"
    _export(ws, root)
    monkeypatch.setattr(spark, "_SESSION", None)
    monkeypatch.setattr(spark.shutil, "which", lambda _: None)
    with pytest.raises(EngineError, match="Spark is unavailable"):
        open_lake_engine("spark", root, ["police_reports"])
    code, out = _cli(ws, "run", "--engine", "spark", "--lake", str(root), "--as-of", AS_OF.isoformat())
    assert code == 1 and "Spark is unavailable" in out
    store = open_store(ws)
    with store() as session:
        assert session.execute(text("SELECT count(*) FROM model_runs")).scalar() == 0


def _cli(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--workspace", str(settings.home), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_lake_commands(ws: Settings, tmp_path: Path) -> None:
    code, out = _cli(ws, "lake", "export", "--json")
    assert code == 0, out
    body = json.loads(out)
    assert Path(body["lake"]) == (ws.home / "lake").resolve()
    assert body["totals"]["rows"] == body["totals"]["rows_written"] > 0
    code, out = _cli(ws, "lake", "verify", "--json")
    assert code == 0 and json.loads(out)["rows"] == body["totals"]["rows"]
    code, out = _cli(ws, "lake", "export")
    assert code == 0 and "0 written" in " ".join(out.split())
    _files(ws.home / "lake", "police_reports")[0].unlink()
    code, out = _cli(ws, "lake", "verify")
    assert code == 1 and "is missing" in out
    code, out = _cli(ws, "lake", "verify", str(tmp_path / "nowhere"))
    assert code == 1 and "no lake at" in out


def test_a_manifest_pointing_outside_the_lake_is_refused(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _export(ws, root)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    entry = manifest["tables"]["mentions"]["partitions"][0]["files"][0]
    entry.update(path="mentions/../../precious.txt", bytes=7, sha256=sha256_file(outside))
    (root / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(LakeError, match="outside the table's folder"):
        verify(root)
    with pytest.raises(LakeError, match="outside the table's folder"):
        _export(ws, root)
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_files_left_by_a_killed_export_are_swept_by_the_next(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _export(ws, root)
    listed = _snapshot(root)
    stray = _files(root, "police_reports")[0].with_name("part-stray.parquet")
    shutil.copy(_files(root, "police_reports")[0], stray)
    (root / ".staging-dead" / "police_reports").mkdir(parents=True)
    assert verify(root).files == len([k for k in listed if k.endswith(".parquet")]), "strays are not read"
    _export(ws, root)
    assert not stray.exists() and not (root / ".staging-dead").exists()
    assert set(_snapshot(root)) == set(listed)


def test_one_export_at_a_time(ws: Settings, tmp_path: Path) -> None:
    import fcntl
    import os

    root = tmp_path / "lake"
    _export(ws, root)
    fd = os.open(root, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(LakeError, match="another export is writing"):
            _export(ws, root)
    finally:
        os.close(fd)
    assert _export(ws, root)["police_reports"]["written"] == 0


def test_a_child_table_without_its_case_table_goes_to_region_00(tmp_path: Path) -> None:
    con = duckdb.connect()
    create_tables(con, ["court_parties"])
    insert_rows(
        con, "court_parties", [{"case_no": "C1", "party_key": "1", "_batch_id": "court_parties-00001-ab"}]
    )
    export(con, tmp_path / "lake")
    (path,) = _files(tmp_path / "lake", "court_parties")
    assert path.parent.as_posix().endswith("court_parties/region=00/batch=court_parties-00001-ab")


def test_duckdb_over_the_lake_keeps_the_workspace_memory_limit(ws: Settings, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _export(ws, root)
    limited = ws.model_copy(update={"duckdb_memory_limit": "1GiB", "duckdb_temp_dir": tmp_path / "spill"})
    engine = open_engine("duckdb", limited, ["police_reports"], lake=root)
    try:
        con = engine.con  # type: ignore[attr-defined]
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "1.0 GiB"
        spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        assert spill == str(tmp_path / "spill")
    finally:
        engine.close()
