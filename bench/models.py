"""Model benchmark: every catalogue model on DuckDB and on Spark (local mode).

The warehouse comes straight from ``procura.synth`` (clean tables, true
entities as mentions — ``procura.synth.warehouse``), so the figures measure
the model stage alone, not ingest or entity resolution. Each engine runs in a
fresh process; peak memory is the highest RSS of that process and its
children (the Spark JVM) sampled every 0.1 s.

    python bench/models.py                     # scale 100, both engines, writes BENCHMARKS.md
    python bench/models.py --scale 1 --no-write
    python bench/models.py --warehouse W.duckdb --rounds 2   # reuse a loaded warehouse; a warm round

CPU seconds (this process and its children, the Spark JVM included) are
recorded beside wall seconds: the machine is shared and CPU time moves far
less with its load. ``--rounds 2`` runs the ten models twice in the same
process; the second round is the warm JVM (JIT-compiled Catalyst and
operators), which is what a long-lived Spark session pays per run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import psutil
from sections import write_section

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)
START, END = "<!-- bench/models.py: start -->", "<!-- bench/models.py: end -->"


class PeakMemory:
    """Samples the RSS of this process and its children; ``peak_mb`` is the maximum seen."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak / 2**20


def prepare(scale: float, seed: int, folder: Path) -> tuple[Path, dict[str, int], float]:
    """Generate the dataset and load it into a DuckDB file; (path, rows per table, seconds)."""
    import duckdb

    from procura.synth.dataset import build
    from procura.synth.warehouse import load_dataset

    path = folder / f"models-s{scale:g}-seed{seed}.duckdb"
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = build(seed=seed, scale=scale)
    con = duckdb.connect(str(path))
    counts = load_dataset(con, dataset)
    con.close()
    return path, counts, time.perf_counter() - started


def cpu_seconds() -> float:
    """CPU seconds of this process and its children (the Spark JVM)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for kid in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += sum(kid.cpu_times()[:2])
    return total


def child(
    engine_name: str, warehouse: Path, workdir: Path, rounds: int = 1, conf: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run every model on one engine (in this process); timings and peak memory."""
    import duckdb

    from procura.engine.duckdb import DuckDBEngine
    from procura.models.build import find_leads
    from procura.models.loader import load_catalog

    catalog = load_catalog()
    results: dict[str, Any] = {"models": {}, "rounds": []}
    with PeakMemory() as memory:
        started = time.perf_counter()
        cpu0 = cpu_seconds()
        con = duckdb.connect(str(warehouse), read_only=True)
        if engine_name == "spark":
            from procura.engine.spark import SparkEngine, spark_session

            spark_session({"spark.driver.memory": "6g", **(conf or {})})
            # The tables the models read, as `procura run --engine spark` exports them.
            tables = sorted({t for model in catalog.select([]) for t in model.spec.tables})
            engine: Any = SparkEngine.from_duckdb(con, tables, workdir / "parquet")
        else:
            engine = DuckDBEngine(con)
        results["setup_s"] = time.perf_counter() - started
        results["setup_cpu_s"] = cpu_seconds() - cpu0
        for _ in range(rounds):
            per_model: dict[str, Any] = {}
            total = total_cpu = 0.0
            for model in catalog.select([]):
                t, c = time.perf_counter(), cpu_seconds()
                leads = find_leads(model, engine, AS_OF)
                seconds, cpu = time.perf_counter() - t, cpu_seconds() - c
                total += seconds
                total_cpu += cpu
                per_model[model.id] = {"seconds": seconds, "cpu_s": cpu, "leads": len(leads)}
            results["rounds"].append({"models": per_model, "total_s": total, "total_cpu_s": total_cpu})
        results["models"] = results["rounds"][0]["models"]
        results["total_s"] = results["rounds"][0]["total_s"]
    results["peak_mb"] = memory.peak_mb
    return results


def _run_child(
    engine: str,
    warehouse: Path,
    workdir: Path,
    rounds: int = 1,
    conf: list[str] | None = None,
    root: Path = ROOT,
) -> dict[str, Any]:
    """One engine in a fresh process; ``root`` is the checkout whose code runs (``--before``)."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    out = subprocess.run(
        [
            sys.executable,
            str(root / "bench" / "models.py"),
            "--child",
            engine,
            "--warehouse",
            str(warehouse),
            "--workdir",
            str(workdir),
            "--rounds",
            str(rounds),
            *[f"--conf={c}" for c in conf or []],
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(
    scale: float, seed: int, counts: dict[str, int], prep_s: float, runs: dict[str, Any], load: float
) -> str:
    """The BENCHMARKS.md section."""
    engines = list(runs)
    rows = sum(v for k, v in counts.items() if k not in ("mentions", "entities"))
    lines = [
        START,
        "## Supervision models (`bench/models.py`)",
        "",
        f"All catalogue models, as of {AS_OF}, on a `procura.synth` dataset at scale {scale:g} "
        f"(seed {seed}): "
        f"{rows:,} standard rows, {counts.get('mentions', 0):,} mentions. The warehouse is loaded straight "
        "from the generator with true entities as mentions (no ingest, no linking), so this times the "
        f"model stage alone. Generating and loading took {prep_s:.0f} s. Cells are wall seconds with "
        "CPU seconds (process and JVM) in brackets. Each engine runs in its own "
        "process; peak memory includes the Spark JVM. Spark is local mode, 2 cores; its setup is the "
        "Parquet export, view registration and caching.",
        f"Machine load average while measuring (highest after an engine): {load:.1f} "
        "(2 cores shared with other jobs).",
        "",
    ]
    columns = [(e, i) for e in engines for i in range(len(runs[e]["rounds"]))]

    def title(engine: str, i: int) -> str:
        return engine if i == 0 else f"{engine} warm (round {i + 1})"

    lines += [
        "| model | " + " | ".join(f"{title(e, i)} s (CPU s)" for e, i in columns) + " | leads |",
        "|---|" + "---|" * len(columns) + "---|",
    ]
    first = runs[engines[0]]["models"]
    for model in first:
        cells = [
            f"{runs[e]['rounds'][i]['models'][model]['seconds']:.2f} "
            f"({runs[e]['rounds'][i]['models'][model]['cpu_s']:.1f})"
            for e, i in columns
        ]
        lines.append(f"| `{model}` | " + " | ".join(cells) + f" | {first[model]['leads']} |")
    totals = [
        f"**{runs[e]['rounds'][i]['total_s']:.1f}** ({runs[e]['rounds'][i]['total_cpu_s']:.1f})"
        for e, i in columns
    ]
    lines.append("| **total** | " + " | ".join(totals) + " | |")
    engines = [e for e, _ in columns]
    lines.append(
        "| setup | "
        + " | ".join(f"{runs[e]['setup_s']:.1f} ({runs[e]['setup_cpu_s']:.1f})" for e in engines)
        + " | |"
    )
    lines.append("| peak memory MiB | " + " | ".join(f"{runs[e]['peak_mb']:.0f}" for e in engines) + " | |")
    lines.append("| load average after | " + " | ".join(f"{runs[e]['load']:.1f}" for e in engines) + " | |")
    agree = all(
        r["models"][m]["leads"] == first[m]["leads"]
        for e in set(engines)
        for r in runs[e]["rounds"]
        for m in first
    )
    lines += ["", f"Lead counts equal on every engine: {'yes' if agree else 'NO'}.", END]
    return "\n".join(lines)


def counts_of(warehouse: Path) -> dict[str, int]:
    """Rows per table of an already loaded warehouse."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: con.sql(f'SELECT COUNT(*) FROM "{n}"').fetchall()[0][0] for n in names}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    parser.add_argument("--warehouse", type=Path, help="reuse this loaded warehouse (from an earlier run)")
    parser.add_argument("--rounds", type=int, default=1, help="run the models this many times per process")
    parser.add_argument(
        "--before", type=Path, help="also run Spark with the code of this checkout (an earlier commit)"
    )
    parser.add_argument("--conf", action="append", default=[], help="extra Spark setting KEY=VALUE")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        conf = dict(c.split("=", 1) for c in args.conf)
        print(json.dumps(child(args.child, args.warehouse, args.workdir, args.rounds, conf)))
        return
    with tempfile.TemporaryDirectory(prefix="procura-bench-") as tmp:
        folder = Path(tmp)
        if args.warehouse:
            warehouse, counts, prep_s = args.warehouse, counts_of(args.warehouse), float("nan")
        else:
            warehouse, counts, prep_s = prepare(args.scale, args.seed, folder)
        print(f"dataset: {counts} ({prep_s:.1f} s)", flush=True)
        runs = {}
        loads = []
        jobs = [(e, e, ROOT) for e in args.engines.split(",")]
        if args.before:
            jobs.append(("spark before", "spark", args.before.resolve()))
        for label, engine, root in jobs:
            runs[label] = _run_child(engine, warehouse, folder, args.rounds, args.conf, root)
            runs[label]["load"] = os.getloadavg()[0]
            loads.append(runs[label]["load"])
            run = runs[label]
            print(
                f"{label}: total {run['total_s']:.1f} s ({run['rounds'][0]['total_cpu_s']:.1f} CPU s), "
                f"peak {run['peak_mb']:.0f} MiB, load {run['load']:.1f}",
                flush=True,
            )
    section = report(args.scale, args.seed, counts, prep_s, runs, max(loads))
    print(section)
    if not args.no_write:
        write_section(START, END, section)


if __name__ == "__main__":
    main()
