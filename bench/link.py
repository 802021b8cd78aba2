"""Speed of ``procura link`` at 100k and 1M mentions: seconds and peak memory.

Builds warehouses of noisy patients and victims directly in DuckDB (names,
identity numbers and phones from ``procura.synth``; missing fields, homophone
typos, broken identity numbers), then links each twice in a fresh process:
the first run trains and saves the model, the second re-uses it (the steady
state: the model is trained once per workspace). Pairwise precision/recall
against the generator's people is printed as a sanity check.

With the default arguments it also measures quality on ``procura synth``
datasets (seeds 1 and 2, scales 1 and 10). Both write their sections of
BENCHMARKS.md.

Run: ``.venv/bin/python bench/link.py [--sizes 100000 1000000] [--skip quality|speed]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from procura.config import Settings

ROOT = Path("/tmp/procura-bench-link")
REGIONS = np.array(
    [
        "330102",
        "330105",
        "330106",
        "330108",
        "330110",
        "330112",
        "330203",
        "330206",
        "330302",
        "330304",
        "330402",
        "330502",
        "330602",
        "330702",
        "330782",
        "331002",
    ]
)


def _people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    from procura.synth.identity import make_id_numbers
    from procura.synth.names import person_names, unique_phones

    sex = rng.choice(np.array(["F", "M"]), size=n)
    birth = pd.Timestamp("2026-06-30") - pd.to_timedelta(rng.integers(365, 85 * 365, size=n), unit="D")
    region = rng.choice(REGIONS, size=n)
    return pd.DataFrame(
        {
            "person": np.arange(n),
            "name": person_names(sex, rng),
            "sex": sex,
            "birth": birth.normalize(),
            "id_no": make_id_numbers(region, birth, sex, rng),
            "phone": unique_phones(n, rng),
            "region": region,
        }
    )


def _mentions(people: pd.DataFrame, n_rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n_rows`` noisy mentions of ``people``, drawn uniformly."""
    from procura.synth.names import homophone_typo

    who = rng.integers(0, len(people), size=n_rows)
    rows = people.iloc[who].reset_index(drop=True)
    u = rng.random((n_rows, 6))
    name = rows["name"].where(u[:, 0] >= 0.05, homophone_typo(rows["name"]))
    id_no = rows["id_no"].where(u[:, 1] < 0.55)
    broken = (u[:, 1] >= 0.55) & (u[:, 1] < 0.60)
    id_no = id_no.mask(broken, rows["id_no"].str[:17] + np.where(rows["id_no"].str[17] == "0", "1", "0"))
    return pd.DataFrame(
        {
            "person": rows["person"],
            "name": name,
            "id_no": id_no,
            "id_valid": pd.Series(~broken, dtype="boolean").mask(id_no.isna()),
            "birth": rows["birth"].where(u[:, 2] < 0.8),
            "phone": rows["phone"].where(u[:, 3] < 0.6),
            "sex": rows["sex"].where(u[:, 4] < 0.9),
            "region": rows["region"],
        }
    )


def _person_fields(prefix: str, m: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        f"{prefix}_name": m["name"],
        f"{prefix}_id_no": m["id_no"],
        f"{prefix}_id_no_valid": m["id_valid"],
        f"{prefix}_birth_date": m["birth"],
        f"{prefix}_phone": m["phone"],
    }


def build(ws: Path, n_mentions: int, seed: int = 1) -> None:
    """A warehouse of about ``n_mentions`` mentions (patients, hospitals, victims) plus ``_bench_truth``."""
    from procura.warehouse.connection import connect

    rng = np.random.default_rng(seed)
    settings = Settings(home=ws).ensure()
    con = connect(settings)
    visits = n_mentions * 35 // 100  # two mentions each: patient and hospital
    reports, victims = n_mentions * 20 // 100, n_mentions * 10 // 100
    people = _people(max(1000, n_mentions // 3), rng)
    hospitals = pd.DataFrame(
        {
            "hospital_name": [f"第{i}人民医院" for i in range(200)],
            "hospital_uscc": [f"12330000MB{i:07d}X" for i in range(200)],
        }
    )
    m, r, v = (_mentions(people, n, rng) for n in (visits, reports, victims))
    h = hospitals.iloc[rng.integers(0, 200, size=visits)].reset_index(drop=True)
    mv = pd.DataFrame(
        {
            "visit_id": [f"MV{i}" for i in range(visits)],
            "region_code": m["region"],
            **_person_fields("patient", m),
            "patient_sex": m["sex"],
            "hospital_name": h["hospital_name"],
            "hospital_uscc": h["hospital_uscc"],
            "hospital_uscc_valid": False,
        }
    )
    pr = pd.DataFrame(
        {
            "report_id": [f"PR{i}" for i in range(reports)],
            "region_code": r["region"],
            **_person_fields("victim", r),
        }
    )
    cv = pd.DataFrame(
        {
            "case_no": [f"CC{i // 2}" for i in range(victims)],
            "victim_key": [f"V{i % 2}" for i in range(victims)],
            **_person_fields("victim", v),
        }
    )
    truth = pd.concat(
        [
            pd.DataFrame(
                {
                    "table_name": "medical_visits",
                    "record_key": mv["visit_id"],
                    "role": "patient",
                    "person": m["person"],
                }
            ),
            pd.DataFrame(
                {
                    "table_name": "police_reports",
                    "record_key": pr["report_id"],
                    "role": "victim",
                    "person": r["person"],
                }
            ),
            pd.DataFrame(
                {
                    "table_name": "criminal_case_victims",
                    "record_key": cv["case_no"] + "|" + cv["victim_key"],
                    "role": "victim",
                    "person": v["person"],
                }
            ),
        ]
    )
    for table, frame in (("medical_visits", mv), ("police_reports", pr), ("criminal_case_victims", cv)):
        con.register("_frame", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
        con.unregister("_frame")
    con.register("_truth", truth)
    con.execute("CREATE OR REPLACE TABLE _bench_truth AS SELECT * FROM _truth")
    con.close()


def run_once(ws: Path) -> None:
    """Link the workspace (in this fresh process) and print seconds, peak RSS and quality as JSON."""
    from procura.link.service import run_link
    from procura.warehouse.connection import connect

    settings = Settings(home=ws).ensure()
    con = connect(settings)
    started = time.perf_counter()
    report = run_link(con, settings)
    seconds = time.perf_counter() - started
    tp, pred, true = con.execute("""
        WITH j AS (SELECT m.entity_id, t.person
                   FROM mentions m JOIN _bench_truth t USING (table_name, record_key, role)),
             b AS (SELECT count(*) AS n FROM j GROUP BY entity_id, person),
             p AS (SELECT count(*) AS n FROM j GROUP BY entity_id),
             t AS (SELECT count(*) AS n FROM j GROUP BY person)
        SELECT (SELECT sum(n * (n - 1) / 2) FROM b), (SELECT sum(n * (n - 1) / 2) FROM p),
               (SELECT sum(n * (n - 1) / 2) FROM t)""").fetchone()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mib = usage.ru_maxrss / 1024
    print(
        json.dumps(
            {
                "mentions": report.mentions,
                "model": report.model,
                "seconds": round(seconds, 1),
                "cpu": round(usage.ru_utime + usage.ru_stime, 1),
                "phases": report.phases,
                "peak_mib": round(peak_mib),
                "precision": round(tp / pred, 4),
                "recall": round(tp / true, 4),
            }
        )
    )


def write_section(name: str, title: str, lines: list[str]) -> None:
    """Replace (or append) this benchmark's section of BENCHMARKS.md."""
    path = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
    begin, end = f"<!-- bench/link.py {name}: start -->", f"<!-- bench/link.py {name}: end -->"
    body = "\n".join([begin, f"## {title}", "", *lines, end])
    text = path.read_text(encoding="utf-8")
    if begin in text and end in text:
        text = text[: text.index(begin)] + body + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def speed(sizes: list[int]) -> list[str]:
    """Cold and warm runs per size, each in a fresh process; the table rows and how they grow."""
    warm: list[dict[str, float]] = []
    lines = [
        "| mentions | run | seconds | CPU s | peak MiB | precision | recall | phases (s) |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        ws = ROOT / str(size)
        if not (ws / "warehouse.duckdb").exists():
            build(ws, size)
        # Start cold: no saved model, no previous entity ids.
        (ws / "link" / "person_model.json").unlink(missing_ok=True)
        with duckdb.connect(str(ws / "warehouse.duckdb")) as con:
            con.execute("DROP TABLE IF EXISTS mentions")
        for label in ("first (trains the model)", "again (model re-used)"):
            out = (
                subprocess.run(
                    [sys.executable, __file__, "--run", str(ws)], check=True, capture_output=True, text=True
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            r = json.loads(out)
            if r["model"] == "reused":
                warm.append(r)
            phases = ", ".join(f"{k} {v}" for k, v in r["phases"].items())
            lines.append(
                f"| {r['mentions']:,} | {label} | {r['seconds']} | {r['cpu']} | {r['peak_mib']} | "
                f"{r['precision']} | {r['recall']} | {phases} |"
            )
            print(lines[-1], flush=True)
    if len(warm) >= 2:
        first, last = warm[0], warm[-1]
        lines += [
            "",
            f"From {first['mentions']:,} to {last['mentions']:,} mentions "
            f"(x{last['mentions'] / first['mentions']:.0f}) the run with the saved model grows "
            f"x{last['seconds'] / first['seconds']:.1f} in seconds, "
            f"x{last['cpu'] / first['cpu']:.1f} in CPU "
            f"and x{last['peak_mib'] / first['peak_mib']:.1f} in peak memory.",
        ]
    return lines


def quality(datasets: list[tuple[int, float]]) -> list[str]:
    """``procura synth`` → ``ingest`` → ``link`` per (seed, scale), scored by ``procura.evaluate``."""
    from procura.evaluate.linkage import read_linkage_warehouse, score_linkage
    from procura.synth.dataset import generate
    from procura.synth.truth import load_truth

    procura = [sys.executable, "-m", "procura"]
    lines = [
        "| seed | scale | mentions | precision | recall | person P | person R | org P | org R "
        "| link s (trains) | link s (re-used) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for seed, scale in datasets:
        data, ws = ROOT / f"synth-{seed}-{scale:g}", ROOT / f"ws-{seed}-{scale:g}"
        if not (data / "truth.json").exists():
            generate(data, seed=seed, scale=scale)
        if not (ws / "warehouse.duckdb").exists():
            subprocess.run(
                [*procura, "-w", str(ws), "ingest", str(data / "data")], check=True, capture_output=True
            )
        (ws / "link" / "person_model.json").unlink(missing_ok=True)
        seconds = []
        for _ in range(2):
            started = time.perf_counter()
            subprocess.run([*procura, "-w", str(ws), "link"], check=True, capture_output=True)
            seconds.append(time.perf_counter() - started)
        frame = read_linkage_warehouse(ws / "warehouse.duckdb")
        assert frame is not None
        score = score_linkage(load_truth(data / "truth.json"), frame, str(ws))
        person, org = score.by_kind["person"], score.by_kind["org"]
        lines.append(
            f"| {seed} | {scale:g} | {score.compared:,} | {score.precision:.4f} | "
            f"{score.recall:.4f} | {person['precision']:.4f} | {person['recall']:.4f} | "
            f"{org['precision']:.4f} | {org['recall']:.4f} | {seconds[0]:.1f} | {seconds[1]:.1f} |"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--skip", choices=["speed", "quality"], nargs="*", default=[])
    parser.add_argument("--print-only", action="store_true", help="Do not write BENCHMARKS.md")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_once(args.run)
        return
    today = time.strftime("%Y-%m-%d")
    if "quality" not in args.skip:
        lines = quality([(1, 1.0), (2, 1.0), (1, 10.0), (2, 10.0)])
        note = [
            "",
            f"`procura synth` datasets ({today}), ingested with `procura ingest`, linked from scratch "
            "(the first run trains the model), scored pairwise by `procura.evaluate` against the truth's "
            "entity per mention. Link seconds are wall-clock of the whole `procura link` command. "
            "Person recall is bounded by mentions that carry only a name (police suspects, court parties) "
            "whose name several people with identified records share: they stay apart rather than join a "
            "guessed namesake (ADR 0302); organisation pairs dominate the overall count. "
            f"Load average when measured: {os.getloadavg()[0]:.1f} on 2 cores shared with other jobs.",
        ]
        if not args.print_only:
            write_section(
                "quality", "Entity resolution: quality on synthetic data (`bench/link.py`)", [*lines, *note]
            )
    if "speed" not in args.skip:
        lines = speed(args.sizes)
        note = [
            "",
            f"Generated warehouses ({today}) of noisy patients, hospitals and victims (names, identity "
            "numbers and phones from `procura.synth`; 5% homophone typos, 45% without identity number, 5% "
            "broken numbers, missing birth dates and phones), about one person per three mentions. Each run "
            "is a fresh process; CPU s is that process's user+system time over all threads, peak MiB its "
            "maximum resident set. Precision/recall are pairwise against the generator's people. "
            f"Load average when measured: {os.getloadavg()[0]:.1f} on 2 cores shared with other jobs.",
        ]
        if not args.print_only:
            write_section("speed", "Entity resolution: speed (`bench/link.py`)", [*lines, *note])


if __name__ == "__main__":
    main()
