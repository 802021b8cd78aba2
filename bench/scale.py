"""Province scale on one machine (issue 14): synth, ingest, link, run and evaluate at growing scales.

Each stage is a whole ``procura`` process, as a user runs it, on a fresh
workspace with the warehouse's DuckDB memory limit set
(``PROCURA_DUCKDB_MEMORY_LIMIT``, default 8GB here). Per stage: wall seconds,
CPU seconds (user + system of the child) and peak resident memory; the load
average before and after. Results accumulate in a JSON file (one run per
scale, the last one wins), from which ``--report`` writes the BENCHMARKS.md
section and the cost-curve chart ``docs/scale-cost-curve.png``.

    python bench/scale.py --scale 1 --scale 10          # measure, append to the results
    python bench/scale.py --scale 100 --stages synth    # only the generator
    python bench/scale.py --report                      # section + chart from the results
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sections import write_section

ROOT = Path(__file__).resolve().parents[1]
PROCURA = Path(sys.executable).parent / "procura"
RESULTS = ROOT / "bench" / "scale-results.json"
CHART = ROOT / "docs" / "scale-cost-curve.png"
NOTES = ROOT / "bench" / "scale-notes.md"  # hand-written findings, appended to the section
START, END = "<!-- issue 14 scale: start -->", "<!-- issue 14 scale: end -->"
STAGES = ("synth", "ingest", "link", "run", "evaluate")


def timed(argv: list[str], env: dict[str, str], log: Path) -> dict[str, float | int]:
    """Run ``argv``: wall and CPU seconds and peak MiB of that child; its output goes to ``log``."""
    load = os.getloadavg()[0]
    with log.open("w") as out:
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    return {
        "seconds": round(wall, 1),
        "cpu": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "load_before": round(load, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "exit": code,
    }


def _quality(evaluation: dict) -> dict[str, list[float]]:
    """Per model: [precision, recall, planted, found]; ``_linkage``: pairwise [precision, recall]."""
    out: dict[str, list[float]] = {}
    for m in evaluation.get("models", []):
        out[m["model_id"]] = [m["precision"], m["recall"], m["planted"], m["found"]]
    return out


def measure(scale: float, seed: int, work: Path, stages: tuple[str, ...], memory: str) -> dict:
    folder = work / f"synth-s{scale:g}"
    ws = work / f"ws-s{scale:g}"
    env = {**os.environ, "PROCURA_HOME": str(ws), "PROCURA_DUCKDB_MEMORY_LIMIT": memory}
    env.pop("PROCURA_DATABASE_URL", None)
    # admin_penalties.xlsx has about 2 MB of sheet XML per scale unit: past ingest's 256 MB default.
    if scale > 100:
        env.setdefault("PROCURA_INGEST_MAX_XLSX_MB", "2048")
    record: dict = {
        "scale": scale,
        "seed": seed,
        "date": str(dt.date.today()),
        "memory_limit": memory,
        "stages": {},
    }
    commands = {
        "synth": [str(PROCURA), "synth", "--out", str(folder), "--scale", f"{scale:g}", "--seed", str(seed)],
        "ingest": [str(PROCURA), "ingest", str(folder / "data")],
        "link": [str(PROCURA), "link"],
        "run": [str(PROCURA), "run", "--as-of", "2026-06-30"],
        "evaluate": [str(PROCURA), "evaluate", "--truth", str(folder / "truth.json"), "--json"],
    }
    if "synth" in stages:
        shutil.rmtree(folder, ignore_errors=True)
    if "ingest" in stages:
        shutil.rmtree(ws, ignore_errors=True)
    for stage in STAGES:
        if stage not in stages:
            continue
        log = work / f"s{scale:g}-{stage}.log"
        result = timed(commands[stage], env, log)
        record["stages"][stage] = result
        print(json.dumps({"scale": scale, "stage": stage, **result}), flush=True)
        if result["exit"]:
            print(log.read_text()[-3000:], file=sys.stderr)
            break
        if stage == "synth":
            data = folder / "data"
            record["rows"] = (
                sum(
                    int(line.split("│")[2].strip().replace(",", ""))
                    for line in log.read_text().splitlines()
                    if line.count("│") >= 3 and "total" in line
                )
                or None
            )
            record["bytes"] = sum(p.stat().st_size for p in data.iterdir())
        if stage == "evaluate":
            text = log.read_text()
            evaluation = json.loads(text[text.index("{") :])
            record["quality"] = _quality(evaluation)
            linkage = evaluation.get("linkage", {})
            record["linkage"] = {k: v for k, v in linkage.items() if not isinstance(v, list)}
    return record


def _load() -> list[dict]:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else []


def save(record: dict) -> None:
    runs = [r for r in _load() if r["scale"] != record["scale"]]
    old = next((r for r in _load() if r["scale"] == record["scale"]), None)
    if old:  # stages measured before and not this time are kept
        record = {**old, **record, "stages": {**old.get("stages", {}), **record["stages"]}}
        record["quality"] = record.get("quality") or old.get("quality")
    runs.append(record)
    RESULTS.write_text(json.dumps(sorted(runs, key=lambda r: r["scale"]), indent=1) + "\n")


def chart(runs: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (cpu_ax, mem_ax) = plt.subplots(1, 2, figsize=(10, 4))
    for stage in STAGES:
        points = [(r["scale"], r["stages"][stage]) for r in runs if stage in r["stages"]]
        if not points:
            continue
        scales = [s for s, _ in points]
        cpu_ax.plot(scales, [p["cpu"] for _, p in points], marker="o", label=stage)
        mem_ax.plot(scales, [p["peak_mb"] for _, p in points], marker="o", label=stage)
    mem_ax.axhline(8 * 1024, color="grey", linestyle="--", linewidth=1)
    mem_ax.annotate(
        "DuckDB memory_limit 8GB",
        (1, 8 * 1024),
        textcoords="offset points",
        xytext=(0, 4),
        fontsize=8,
        color="grey",
    )
    for ax, title in ((cpu_ax, "CPU seconds (user + system)"), (mem_ax, "peak resident MiB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("procura synth --scale (1 ≈ 24k rows, 100 ≈ 2.1M)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("procura cost curve on one machine (DuckDB memory_limit 8GB)")
    fig.tight_layout()
    fig.savefig(CHART, dpi=100)


def report(runs: list[dict]) -> str:
    lines = [
        "| scale | rows | stage | wall s | CPU s | peak MiB | load before → after |",
        "|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in runs:
        for stage in STAGES:
            p = r["stages"].get(stage)
            if p is None:
                continue
            lines.append(
                f"| {r['scale']:g} | {r.get('rows') or 0:,} | `{stage}` | {p['seconds']:.1f} "
                f"| {p['cpu']:.1f} | {p['peak_mb']:,} | {p['load_before']} → {p['load_after']} |"
            )
    quality = []
    for r in runs:
        q = r.get("quality")
        if q:
            perfect = [m for m, (p, rec, *_rest) in q.items() if p == 1 and rec == 1]
            worst = ", ".join(
                f"`{m}` P {p:.2f} R {rec:.2f} ({found}/{planted})"
                for m, (p, rec, planted, found) in sorted(q.items())
                if m not in perfect
            )
            quality.append(
                f"- scale {r['scale']:g}: {len(perfect)} of {len(q)} models at P = R = 1.00"
                + (f"; {worst}" if worst else "")
            )
    return "\n".join(lines) + (
        "\n\nQuality (`procura evaluate`; at scale 500 per model only, `bench/scale_models_only.py`):\n\n"
        + "\n".join(quality)
        if quality
        else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, action="append", default=[])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--stages", default=",".join(STAGES), help="comma-separated subset of " + ", ".join(STAGES)
    )
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "procura-scale")
    parser.add_argument("--report", action="store_true", help="write BENCHMARKS.md and the chart")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    stages = tuple(s for s in args.stages.split(",") if s)
    for scale in args.scale:
        save(measure(scale, args.seed, args.work, stages, args.memory_limit))
    if args.report:
        runs = _load()
        chart(runs)
        print(report(runs))
        intro = (
            f"## Province scale on one machine (issue 14, `bench/scale.py`, {dt.date.today()})\n\n"
            "Each stage is a whole `procura` process on a fresh workspace, the warehouse opened with "
            "`PROCURA_DUCKDB_MEMORY_LIMIT` (below: the limit of each run), run with `nice -n 10` on the "
            "shared 2-core machine; CPU s is user + system of the process, peak MiB its maximum resident "
            "set. Wall seconds move with the load average beside them; CPU seconds much less.\n\n"
            "![cost curve](docs/scale-cost-curve.png)\n\n"
            "Memory limit per scale: "
            + ", ".join(f"{r['scale']:g}: {r.get('memory_limit')}" for r in runs)
            + ".\n\n"
        )
        notes = NOTES.read_text(encoding="utf-8").strip() + "\n" if NOTES.exists() else ""
        write_section(START, END, f"{START}\n{intro}{report(runs)}\n\n{notes}{END}")


if __name__ == "__main__":
    main()
