"""CLI latency: whole-process wall time of ``procura --help``, ``status`` and ``lead show``.

Each command runs as its own process, as a user types it, several times; the
figure is the median (and the fastest) wall time. ``python -c pass`` in the same
run is the floor no command can beat, and ``python -c "import <libraries>"``
shows what importing the heavy libraries up front would cost. The load average
is recorded beside the numbers, because the machine is shared.

    python bench/cli.py              # 7 runs each, writes BENCHMARKS.md
    python bench/cli.py --runs 3 --no-write
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.config import Settings
from procura.db import session_scope
from procura.leads.orm import Lead
from procura.migrations import open_store

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench/cli.py: start -->", "<!-- bench/cli.py: end -->"
PASSWORD = "bench-password-1"
PROCURA = str(Path(sys.executable).parent / "procura")
HEAVY = "duckdb, pandas, sqlalchemy, fastapi, splink"


def _workspace(home: Path) -> None:
    """A migrated store with one chief of 余杭 signed in and one lead of that office."""
    settings = Settings(home=home)
    with session_scope(open_store(settings)) as db:
        add_user(db, SYSTEM, "chief", PASSWORD, "330110-county", "criminal", "chief")
        ref = [{"table": "police_reports", "key": {"report_id": "PR-1"}}]
        db.add(
            Lead(
                id="L-1", fingerprint="f" * 64, model_id="unfiled-online-defamation", model_version="1",
                params={}, anchor=ref, evidence=ref, subject={"kind": "person"}, target="公安机关",
                region_code="330110", office="330110-county", prong="criminal", measure="case_filing_notice",
                score=0.9, explanation_zh="说明", explanation_en="explanation", details={}, status="new",
            )
        )  # fmt: skip
    _run([PROCURA, "--workspace", str(home), "status"])  # creates the warehouse
    _run([PROCURA, "--workspace", str(home), "login", "-u", "chief", "--password", PASSWORD])


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process running ``argv``."""
    cpu, start = _cpu(), time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
    return elapsed, _cpu() - cpu


Row = tuple[str, float, float, float, float | None]


def measure(runs: int) -> list[Row]:
    """(command, median wall s, fastest wall s, median CPU s, target s) per command, floor first."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "ws"
        _workspace(home)
        cases = [
            ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
            (f"python -c 'import {HEAVY}'", [sys.executable, "-c", f"import {HEAVY}"], None),
            ("procura --help", [PROCURA, "--help"], 0.5),
            ("procura status", [PROCURA, "status", "--workspace", str(home)], 1.0),
            ("procura lead show L-1", [PROCURA, "lead", "show", "L-1", "--workspace", str(home)], 1.0),
        ]
        rows = []
        for name, argv, target in cases:
            _run(argv)  # warm the file cache
            walls, cpus = zip(*(_run(argv) for _ in range(runs)), strict=True)
            rows.append((name, statistics.median(walls), min(walls), statistics.median(cpus), target))
    return rows


def table(rows: list[Row], runs: int) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"Whole-process wall time (median and fastest of {runs} runs) and CPU time (user +",
        f"system, median) on 2 cores; load average (1, 5, 15 min) at the end: {load}. On a loaded",
        "machine the wall time is several times the CPU time; the CPU column is what the",
        "command itself costs.",
        "",
        "| command | median wall s | fastest wall s | median CPU s | target wall s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, median, fastest, cpu, target in rows:
        goal = "" if target is None else target
        lines.append(f"| `{name}` | {median:.2f} | {fastest:.2f} | {cpu:.2f} | {goal} |")
    return "\n".join(lines)


def write(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    body = path.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in body:
        head, _, rest = body.partition(START)
        _, _, tail = rest.partition(END)
        body = head + block + tail
    else:
        body = body.rstrip() + "\n\n## CLI latency (bench/cli.py)\n\n" + block + "\n"
    path.write_text(body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = measure(args.runs)
    text = table(rows, args.runs)
    print(text)
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
