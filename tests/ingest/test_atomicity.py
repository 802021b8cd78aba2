"""A batch commits fully or not at all, even when the process is killed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from procura.config import Settings
from procura.ingest import batch
from procura.ingest.service import ingest
from procura.standard.schema import standard
from tests.ingest.sample_files import HEADER, ROWS, rows_of, write_csv, write_jsonl

STATE_SQL = [f"SELECT * FROM {name} ORDER BY ALL" for name in standard()] + [
    "SELECT entry_id, batch_id, table_name, source_file, source_row, field, reason, value, raw "
    "FROM _quarantine ORDER BY ALL",
    "SELECT batch_id, table_name, source_file, content_hash, status, read, stored, updated, unchanged, "
    "quarantined FROM _batches ORDER BY ALL",
    "SELECT table_name, record_key, replaced_by_batch, row FROM _row_history ORDER BY ALL",
]


def state(settings: Settings) -> list[list[tuple]]:
    return [rows_of(settings, sql) for sql in STATE_SQL]


def test_an_error_inside_a_batch_leaves_nothing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "police_reports.csv", HEADER, [*ROWS, ["R9", "bad"] + [""] * 8])
    ingest(settings, tmp_path / "police_reports.csv")
    before = state(settings)
    changed = [[*r[:7], "false", *r[8:]] for r in ROWS]
    write_csv(path, HEADER, changed)

    def boom(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("disk full")

    # json.dumps runs after every row write of the batch, just before it is logged and committed.
    monkeypatch.setattr(batch.json, "dumps", boom)
    with pytest.raises(RuntimeError):
        ingest(settings, path)
    assert state(settings) == before


def _dataset(folder: Path, n: int) -> None:
    folder.mkdir()
    rows = [
        [
            f"K{i:06d}",
            "330110",
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "other",
            "张三",
            "11010519491231002X" if i % 3 else "110105194912310021",
            "13800000000",
            "是" if i % 2 else "否",
            str(i),
            "x",
        ]
        for i in range(n)
    ]
    rows[n // 2][2] = "2024-02-30"  # one row for the quarantine
    write_csv(folder / "police_reports.csv", HEADER, rows)
    victims = [[f"C{i:05d}", f"V{i % 3}", "李四", "", "", "", "no", f"{i}.5"] for i in range(n // 2)]
    write_jsonl(
        folder / "criminal_case_victims.jsonl",
        [
            "case_no",
            "victim_key",
            "victim_name",
            "victim_id_no",
            "victim_birth_date",
            "victim_phone",
            "disability",
            "loss_amount",
        ],
        victims,
    )


def _run(home: Path, data: Path) -> subprocess.Popen[bytes]:
    code = (
        "import sys; from pathlib import Path; from procura.config import Settings; "
        "from procura.ingest.service import ingest; "
        "ingest(Settings(home=Path(sys.argv[1])), Path(sys.argv[2]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCURA_")}
    return subprocess.Popen(
        [sys.executable, "-c", code, str(home), str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_equals_one_clean_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _dataset(data, 30_000)
    clean = Settings(home=tmp_path / "clean")
    started = time.monotonic()
    assert _run(clean.home, data).wait() == 0
    duration = time.monotonic() - started  # a whole run in a fresh process, imports included
    expected = state(clean)

    killed = Settings(home=tmp_path / "killed")
    rng = random.Random(7)
    kills = 0
    for _ in range(6):
        proc = _run(killed.home, data)
        time.sleep(rng.uniform(0.15, 0.95) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 3, "the ingest finished before it could be killed; make the dataset larger"
    finish = _run(killed.home, data)
    assert finish.wait() == 0
    assert state(killed) == expected
    # And once more: nothing doubles.
    ingest(killed, data)
    assert state(killed) == expected
