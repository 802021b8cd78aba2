"""Lake benchmark: export, verify, and the ten models over the lake against the warehouse.

The warehouse comes from ``procura.synth`` as in ``bench/models.py`` (clean
tables, true entities as mentions; batch ids are empty there, so standard
tables fall into ``batch=none`` per region). Measured in one process: the first
export, an export with nothing changed, verification with and without SHA-256,
the ten models on DuckDB over the warehouse and over the lake, and with
``--spark`` the ten models on Spark over the lake (the JVM's CPU included).

    python bench/lake.py                      # scale 10, writes BENCHMARKS.md
    python bench/lake.py --scale 1 --spark --no-write
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sections import write_section

from models import AS_OF, cpu_seconds, prepare

START, END = "<!-- bench/lake.py: start -->", "<!-- bench/lake.py: end -->"


def timed(step: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    value = step()
    return value, time.perf_counter() - wall, cpu_seconds() - cpu


def models_on(engine: Any) -> int:
    from procura.models.build import find_leads
    from procura.models.loader import load_catalog

    return sum(len(find_leads(model, engine, AS_OF)) for model in load_catalog().select([]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warehouse", type=Path, help="reuse a warehouse loaded by bench/models.py")
    parser.add_argument("--spark", action="store_true", help="also run the ten models on Spark over the lake")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import duckdb

    from procura.engine.duckdb import DuckDBEngine
    from procura.engine.warehouse import open_lake_engine
    from procura.models.loader import load_catalog
    from procura.warehouse.lake import export, verify

    folder = Path(tempfile.mkdtemp(prefix="bench-lake-"))
    warehouse = args.warehouse or prepare(args.scale, args.seed, folder)[0]
    root = folder / "lake"
    con = duckdb.connect(str(warehouse), read_only=True)
    rows: list[tuple[str, float, float, str]] = []
    summary, wall, cpu = timed(lambda: export(con, root))
    total = summary.totals()
    rows.append(("export, first", wall, cpu, f"{total['rows']:,} rows, {total['partitions']} partitions"))
    again, wall, cpu = timed(lambda: export(con, root))
    rows.append(("export, nothing changed", wall, cpu, f"{again.totals()['written']} partitions written"))
    checked, wall, cpu = timed(lambda: verify(root))
    rows.append(("verify (SHA-256)", wall, cpu, f"{checked.files} files, {checked.bytes / 1e6:.1f} MB"))
    _, wall, cpu = timed(lambda: verify(root, hashes=False))
    rows.append(("verify --quick (sizes)", wall, cpu, ""))
    leads, wall, cpu = timed(lambda: models_on(DuckDBEngine(con)))
    rows.append(("ten models, DuckDB on the warehouse", wall, cpu, f"{leads} leads"))
    tables = {t for m in load_catalog().select([]) for t in m.spec.tables}
    lake_engine = open_lake_engine("duckdb", root, tables)
    leads_lake, wall, cpu = timed(lambda: models_on(lake_engine))
    rows.append(("ten models, DuckDB over the lake", wall, cpu, f"{leads_lake} leads"))
    if args.spark:
        spark, wall, cpu = timed(lambda: open_lake_engine("spark", root, tables))
        rows.append(("Spark session + lake views (cached)", wall, cpu, ""))
        leads_spark, wall, cpu = timed(lambda: models_on(spark))
        rows.append(("ten models, Spark over the lake", wall, cpu, f"{leads_spark} leads"))
    size = warehouse.stat().st_size / 1e6
    load = os.getloadavg()
    lines = [
        START,
        f"### Parquet lake (`bench/lake.py`, scale {args.scale:g}, warehouse {size:.1f} MB, "
        f"lake {checked.bytes / 1e6:.1f} MB; load average {load[0]:.1f} / {load[1]:.1f} at the end)",
        "",
        "| step | wall s | CPU s | |",
        "| --- | ---: | ---: | --- |",
        *(f"| {name} | {w:.2f} | {c:.2f} | {note} |" for name, w, c, note in rows),
        "",
        END,
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(START, END, section)
    sys.exit(0 if leads == leads_lake else 1)


if __name__ == "__main__":
    main()
