"""Ingest benchmark: rows/s and peak memory, CSV and Parquet, 100k and 1M rows.

Each measurement runs in a fresh process (peak RSS = that process's maximum).
Compared in the same run: a bare DuckDB ``read_csv``/``read_parquet`` into a
table (identifier and phone columns declared as text), procura's full ingest
(normalization, validation, quarantine, provenance), and pandas reading the
file and validating it with procura's Python normalizers.

    python bench/ingest.py                              # 100k and 1M rows, writes BENCHMARKS.md
    python bench/ingest.py --rows 100000 --print-only   # one size, prints only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sections import write_section

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "report_id",
    "region_code",
    "police_unit",
    "received_at",
    "offense_type",
    "victim_name",
    "victim_id_no",
    "victim_birth_date",
    "victim_phone",
    "suspect_name",
    "suspect_id_no",
    "description",
    "views_count",
    "reposts_count",
    "filed",
    "filed_at",
    "police_case_no",
    "not_filed_reason",
]
TEXT_COLUMNS = ("report_id", "region_code", "victim_id_no", "victim_phone", "suspect_id_no", "police_case_no")
OFFENSES = ["online_defamation", "Online Insult", "personal_info_infringement", "telecom_fraud", "other"]
DATE_FORMS = [
    "{d:%Y-%m-%d}",
    "{d.year}/{d.month}/{d.day}",
    "{d:%Y%m%d}",
    "{d.year}年{d.month}月{d.day}日",
    "{d:%Y-%m-%d}T09:30:00",
]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_no(rng: random.Random) -> str:
    born = f"{rng.randint(1950, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"330110{born}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def write_dataset(path: Path, rows: int, seed: int = 1) -> None:
    """A police_reports CSV with every formatting variant and ~0.5% malformed rows."""
    rng = random.Random(seed)
    start = dt.date(2022, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        for i in range(rows):
            day = start + dt.timedelta(days=rng.randint(0, 900))
            received = rng.choice(DATE_FORMS).format(d=day)
            if rng.random() < 0.005:
                received = f"{day.year}-02-30"
            victim = _id_no(rng)
            if rng.random() < 0.01:
                victim = victim[:-1] + ("0" if victim[-1] != "0" else "1")
            filed = rng.random() < 0.4
            fields = [
                f"R{i:08d}",
                rng.choice(["330110", "330102", "330110001000"]),
                "余杭区公安分局",
                received,
                rng.choice(OFFENSES),
                rng.choice(["张三", "李 四", "王五"]),
                victim.lower(),
                "",
                f"138{rng.randint(0, 99999999):08d}",
                "",
                "",
                "在网络上散布不实信息",
                str(rng.randint(0, 100000)),
                str(rng.randint(0, 5000)),
                rng.choice(["是", "否"]) if not filed else "Y",
                f"{day:%Y-%m-%d}" if filed else "",
                f"A{i:08d}" if filed else "",
                "",
            ]
            fh.write(",".join(fields) + "\n")


def _to_parquet(csv_path: Path, parquet_path: Path) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{parquet_path}' (FORMAT parquet)"
    )


def run_one(kind: str, path: Path, work: Path) -> float:
    """Seconds for one measurement (run inside a fresh process)."""
    import duckdb

    t0 = time.perf_counter()
    if kind == "duckdb-bare":
        con = duckdb.connect(str(work / "bare.duckdb"))
        if path.suffix == ".csv":
            types = ", ".join(f"'{c}': 'VARCHAR'" for c in TEXT_COLUMNS)
            con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', types={{{types}}})")
        else:
            con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")
        con.close()
    elif kind == "procura":
        from procura.config import Settings
        from procura.ingest.service import ingest

        summary = ingest(Settings(home=work / "ws"), path)
        assert summary.balanced and not summary.rejected
    elif kind == "pandas":
        import pandas as pd

        from procura.standard.kinds import normalize
        from procura.standard.schema import get_table

        table = get_table("police_reports")
        frame = (
            pd.read_csv(path, dtype=str, keep_default_na=False)
            if path.suffix == ".csv"
            else (pd.read_parquet(path))
        )
        bad = 0
        for f in table.fields:
            col = frame[f.name].tolist()
            for value in col:
                try:
                    normalize(f, value or None)
                except ValueError:
                    bad += 1
    return time.perf_counter() - t0


def measure(kind: str, path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        out = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(path), work],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--no-pandas-above", type=int, default=1_000_000)
    parser.add_argument("--print-only", action="store_true", help="Do not write BENCHMARKS.md")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, path, work = args.one
        seconds = run_one(kind, Path(path), Path(work))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
        return
    results = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            csv_path = Path(tmp) / "police_reports.csv"
            write_dataset(csv_path, rows)
            parquet_path = Path(tmp) / "police_reports.parquet"
            _to_parquet(csv_path, parquet_path)
            for fmt, path in (("csv", csv_path), ("parquet", parquet_path)):
                kinds = ["duckdb-bare", "procura"] + (["pandas"] if rows <= args.no_pandas_above else [])
                for kind in kinds:
                    m = measure(kind, path)
                    result = {
                        "rows": rows,
                        "format": fmt,
                        "kind": kind,
                        **m,
                        "rows_per_s": rows / m["seconds"],
                    }
                    results.append(result)
                    print(json.dumps(result), flush=True)
    print(table_markdown(results))
    if not args.print_only:
        append(results, max(load, os.getloadavg()[0]))


def table_markdown(results: list[dict]) -> str:
    lines = [
        "| rows | format | reader | seconds | rows/s | peak MB | vs bare DuckDB |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    bare = {(r["rows"], r["format"]): r["rows_per_s"] for r in results if r["kind"] == "duckdb-bare"}
    for r in results:
        share = r["rows_per_s"] / bare[(r["rows"], r["format"])]
        lines.append(
            f"| {r['rows']:,} | {r['format']} | {r['kind']} | {r['seconds']:.2f} | {r['rows_per_s']:,.0f} "
            f"| {r['peak_mb']:,.0f} | {share:.0%} |"
        )
    return "\n".join(lines)


START, END = "<!-- bench/ingest.py: start -->", "<!-- bench/ingest.py: end -->"


def section(results: list[dict], load: float) -> str:
    ratios = ", ".join(
        f"{r['rows']:,} {r['format']} {r['rows_per_s'] / bare:.0%}"
        for r in results
        if r["kind"] == "procura"
        for bare in [
            next(
                b["rows_per_s"]
                for b in results
                if b["kind"] == "duckdb-bare" and (b["rows"], b["format"]) == (r["rows"], r["format"])
            )
        ]
    )
    return (
        f"{START}\n## Ingest (`bench/ingest.py`, {dt.date.today()})\n\n"
        "police_reports with every formatting variant of the standard and ~0.5% malformed rows. "
        "`duckdb-bare`: DuckDB `read_csv`/`read_parquet` into a table, identifier and phone columns declared "
        "as text — the floor. `procura`: full ingest (normalize, validate, quarantine, provenance, "
        "batch log) into a fresh warehouse. `pandas`: `read_csv(dtype=str)` + procura's Python normalizers "
        "per value. Each measurement in a fresh process; peak MB is its maximum resident set.\n\n"
        + table_markdown(results)
        + f"\n\nFull ingest as a share of the bare read: {ratios}. Load average when measured: {load:.1f} "
        "on 2 cores shared with other jobs; read the ratios rather than the absolute rates.\n" + END
    )


def append(results: list[dict], load: float) -> None:
    """Write this benchmark's section of BENCHMARKS.md, replacing the previous one."""
    write_section(START, END, section(results, load))


if __name__ == "__main__":
    main()
