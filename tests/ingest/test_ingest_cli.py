"""The ingest-area commands: output, JSON, errors as one line with a non-zero exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from procura.cli import app
from tests.ingest.sample_files import HEADER, ROWS, write_csv

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "police"


def run(ws: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--workspace", str(ws), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_ingest_status_and_quarantine(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    code, out = run(ws, "ingest", str(EXAMPLES), "--mapping", str(EXAMPLES / "mapping.yaml"))
    assert code == 0
    assert "读取 read 8 = 新增 stored 6 + 更新 updated 0 + 未变 unchanged 0 + 隔离 quarantined 2" in " ".join(
        out.split()
    )
    code, out = run(ws, "ingest", str(EXAMPLES), "--mapping", str(EXAMPLES / "mapping.yaml"), "--json")
    assert json.loads(out)["totals"] == {
        "read": 8,
        "stored": 0,
        "updated": 0,
        "unchanged": 6,
        "quarantined": 2,
    }
    code, out = run(ws, "status", "--json")
    data = json.loads(out)
    assert {t["table"]: t["rows"] for t in data["tables"]}["police_reports"] == 6
    assert data["batches"]["committed"] == 1
    assert {q["reason"] for q in data["quarantine"]} >= {"impossible date"}
    code, out = run(ws, "status")
    assert code == 0 and "police_reports" in out
    code, out = run(ws, "quarantine", "list", "--json")
    entries = json.loads(out)
    assert [(e["row"], e["field"]) for e in entries] == [(6, "received_at"), (7, "offense_type")]
    code, out = run(ws, "quarantine", "show", entries[0]["entry_id"], "--json")
    shown = json.loads(out)
    assert shown["raw"]["接报时间"] == "2024-02-30" and shown["problems"][0]["reason"] == "impossible date"
    code, out = run(ws, "quarantine", "show", entries[0]["entry_id"])
    assert code == 0 and "接报时间" in out
    code, out = run(ws, "quarantine", "list")
    assert code == 0 and "received_at" in out


def test_errors_are_one_line_with_a_non_zero_exit(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    code, out = run(ws, "ingest", str(tmp_path / "missing"))
    assert code == 2 and "no such file or folder" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("table: nope\n", encoding="utf-8")
    code, out = run(ws, "ingest", str(EXAMPLES), "--mapping", str(bad))
    assert code == 2 and "bad.yaml" in out and "'table' must be one of" in out
    empty = tmp_path / "police_reports.csv"
    empty.write_text("")
    code, out = run(ws, "ingest", str(empty))
    assert code == 1 and "police_reports.csv: file is empty" in " ".join(out.split())
    code, out = run(ws, "quarantine", "show", "nope/1")
    assert code == 2 and "no quarantine entry" in out


def test_standard_export_and_show(tmp_path: Path) -> None:
    code, out = run(tmp_path, "standard", "export")
    assert code == 0 and len(json.loads(out)["tables"]) == 9
    target = tmp_path / "standard.json"
    code, _ = run(tmp_path, "standard", "export", "--out", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1
    code, out = run(tmp_path, "standard", "show", "police_reports")
    assert code == 0 and "received_at" in out
    code, out = run(tmp_path, "standard", "show", "nope")
    assert code == 2


def test_ingest_json_of_a_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "police_reports.csv", HEADER, ROWS)
    code, out = run(tmp_path / "ws", "ingest", str(path), "--json")
    assert code == 0 and json.loads(out)["files"][0]["flagged"] == {"victim_id_no": 1}


def test_a_locked_warehouse_gives_one_line(tmp_path: Path) -> None:

    from procura.config import Settings
    from procura.warehouse.connection import connect

    ws = tmp_path / "ws"
    connect(Settings(home=ws)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ok', flush=True); time.sleep(30)",
            str(ws / "warehouse.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        code, out = run(ws, "status")
        assert code == 2 and "cannot open the warehouse" in out
    finally:
        holder.kill()
        holder.wait()


def test_ingest_leaves_the_similar_case_index_to_its_first_use(tmp_path: Path) -> None:
    """Ingest loads data only (ADR 0112); the index is built by `similar index` or the first search."""
    from procura.config import Settings
    from procura.similar.index import current, index_dir

    ws = tmp_path / "ws"
    code, _ = run(ws, "ingest", str(EXAMPLES), "--mapping", str(EXAMPLES / "mapping.yaml"))
    assert code == 0
    settings = Settings(home=ws)
    assert not (index_dir(settings) / "manifest.json").exists()
    assert len(current(settings)) == 6  # the first use brings it up to date
    code, out = run(ws, "similar", "index")
    assert code == 0 and "0 new batches" in out
