"""Model benchmark: every catalogue model on DuckDB and on Spark (local mode).

The warehouse comes straight from ``procura.synth`` (clean tables, true
entities as mentions — ``procura.synth.warehouse``), so the figures measure
the model stage alone, not ingest or entity resolution. Each engine runs in a
fresh process; peak memory is the highest RSS of that process and its
children (the Spark JVM) sampled every 0.1 s.

    python bench/models.py                     # scale 100, both engines, writes BENCHMARKS.md
    python bench/models.py --scale 1 --no-write
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


def child(engine_name: str, warehouse: Path, workdir: Path) -> dict[str, Any]:
    """Run every model on one engine (in this process); timings and peak memory."""
    import duckdb

    from procura.engine.duckdb import DuckDBEngine
    from procura.models.build import find_leads
    from procura.models.loader import load_catalog
    from procura.warehouse.schema import readable_tables

    catalog = load_catalog()
    results: dict[str, Any] = {"models": {}}
    with PeakMemory() as memory:
        started = time.perf_counter()
        con = duckdb.connect(str(warehouse), read_only=True)
        if engine_name == "spark":
            from procura.engine.spark import SparkEngine, spark_session

            spark_session({"spark.driver.memory": "6g"})
            engine: Any = SparkEngine.from_duckdb(con, sorted(readable_tables()), workdir / "parquet")
        else:
            engine = DuckDBEngine(con)
        results["setup_s"] = time.perf_counter() - started
        total = 0.0
        for model in catalog.select([]):
            t = time.perf_counter()
            leads = find_leads(model, engine, AS_OF)
            seconds = time.perf_counter() - t
            total += seconds
            results["models"][model.id] = {"seconds": seconds, "leads": len(leads)}
        results["total_s"] = total
    results["peak_mb"] = memory.peak_mb
    return results


def _run_child(engine: str, warehouse: Path, workdir: Path) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            engine,
            "--warehouse",
            str(warehouse),
            "--workdir",
            str(workdir),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
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
        f"model stage alone. Generating and loading took {prep_s:.0f} s. Each engine runs in its own "
        "process; peak memory includes the Spark JVM. Spark is local mode, 2 cores; its setup is the "
        "Parquet export, view registration and caching.",
        f"Machine load average while measuring: {load:.1f} (2 cores shared with other jobs).",
        "",
        "| model | " + " | ".join(f"{e} s" for e in engines) + " | leads |",
        "|---|" + "---|" * len(engines) + "---|",
    ]
    first = runs[engines[0]]["models"]
    for model in first:
        cells = [f"{runs[e]['models'][model]['seconds']:.2f}" for e in engines]
        lines.append(f"| `{model}` | " + " | ".join(cells) + f" | {first[model]['leads']} |")
    lines.append("| **total** | " + " | ".join(f"**{runs[e]['total_s']:.1f}**" for e in engines) + " | |")
    lines.append("| setup | " + " | ".join(f"{runs[e]['setup_s']:.1f}" for e in engines) + " | |")
    lines.append("| peak memory MiB | " + " | ".join(f"{runs[e]['peak_mb']:.0f}" for e in engines) + " | |")
    agree = all(runs[e]["models"][m]["leads"] == first[m]["leads"] for e in engines for m in first)
    lines += ["", f"Lead counts equal on every engine: {'yes' if agree else 'NO'}.", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.warehouse, args.workdir)))
        return
    with tempfile.TemporaryDirectory(prefix="procura-bench-") as tmp:
        folder = Path(tmp)
        warehouse, counts, prep_s = prepare(args.scale, args.seed, folder)
        print(f"dataset: {counts} ({prep_s:.1f} s)", flush=True)
        runs = {}
        for engine in args.engines.split(","):
            runs[engine] = _run_child(engine, warehouse, folder)
            print(
                f"{engine}: total {runs[engine]['total_s']:.1f} s, peak {runs[engine]['peak_mb']:.0f} MiB",
                flush=True,
            )
    section = report(args.scale, args.seed, counts, prep_s, runs, os.getloadavg()[0])
    print(section)
    if not args.no_write:
        write_section(START, END, section)


if __name__ == "__main__":
    main()
