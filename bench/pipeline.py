"""End-to-end benchmark: ``procura ingest DIR && procura link && procura run`` as a user runs them.

Each stage is a whole ``procura`` process on a fresh workspace (imports, the
warehouse, the model training on first link, the lead store — everything a
user waits for). In the same run, ``bench/pandas_rules.py`` — the ten rules in
plain pandas with the true identities handed to it — is the baseline. Wall
seconds are what the issue targets; CPU seconds (user + system of the child)
are printed beside them because the machine is shared and its load moves wall
time, not CPU time.

    python bench/pipeline.py                       # scale 10, seed 1; writes BENCHMARKS.md
    python bench/pipeline.py --scale 1 --print-only
    python bench/pipeline.py --data DIR            # an existing synth folder (data/ + truth.json)
    python bench/pipeline.py --before /work/main/.venv/bin/procura   # also time another build
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
START, END = "<!-- bench/pipeline.py: start -->", "<!-- bench/pipeline.py: end -->"


def timed(argv: list[str], env: dict[str, str]) -> dict[str, float | str]:
    """Run ``argv``; wall seconds, CPU seconds and peak MiB of that child, its last output line."""
    with tempfile.TemporaryFile(mode="w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.DEVNULL, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"{' '.join(argv)} failed with exit code {child.returncode}")
        out.seek(0)
        lines = out.read().strip().splitlines()
    return {
        "seconds": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "last": lines[-1] if lines else "",
    }


def dataset(scale: float, seed: int, cache: Path) -> Path:
    folder = cache / f"synth-s{scale:g}-seed{seed}"
    if not (folder / "truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [str(PROCURA), "synth", "--out", str(folder), "--scale", str(scale), "--seed", str(seed)],
            check=True,
            capture_output=True,
        )
    return folder


def stages(procura: Path, folder: Path, as_of: str, build: str) -> list[dict]:
    """The three commands of one procura build on a fresh workspace."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="procura-pipeline-") as tmp:
        env = {**os.environ, "PROCURA_HOME": str(Path(tmp) / "ws")}
        env.pop("PROCURA_DATABASE_URL", None)
        commands = [
            ("ingest", [str(procura), "ingest", str(folder / "data")]),
            ("link", [str(procura), "link"]),
            ("run", [str(procura), "run", "--as-of", as_of]),
        ]
        for name, argv in commands:
            rows.append({"stage": name, "build": build, **timed(argv, env)})
            print(json.dumps({k: v for k, v in rows[-1].items() if k != "last"}), flush=True)
    return rows


def measure(folder: Path, as_of: str, before: Path | None) -> list[dict]:
    rows = stages(before, folder, as_of, "before") if before else []
    rows += stages(PROCURA, folder, as_of, "this")
    base = timed([sys.executable, str(ROOT / "bench" / "pandas_rules.py"), str(folder)], dict(os.environ))
    rows.append({"stage": "pandas", **base, "models": json.loads(str(base["last"]))["models"]})
    print(json.dumps({k: v for k, v in rows[-1].items() if k not in ("last", "models")}), flush=True)
    return rows


def table_markdown(rows: list[dict]) -> str:
    pandas = next(r for r in rows if r["stage"] == "pandas")
    lines = ["| build | stage | wall s | CPU s | peak MiB |", "|---|---|---:|---:|---:|"]
    for build in ("before", "this"):
        procura = [r for r in rows if r.get("build") == build]
        if not procura:
            continue
        wall, cpu = sum(r["seconds"] for r in procura), sum(r["cpu"] for r in procura)
        for r in procura:
            lines.append(
                f"| {build} | `procura {r['stage']}` | {r['seconds']:.1f} | {r['cpu']:.1f} "
                f"| {r['peak_mb']:,.0f} |"
            )
        lines.append(f"| {build} | **all three** | **{wall:.1f}** | **{cpu:.1f}** | |")
        lines.append(
            f"| {build} | **ratio to pandas** | **{wall / pandas['seconds']:.2f}** "
            f"| **{cpu / pandas['cpu']:.2f}** | |"
        )
    lines.append(
        f"| baseline | pandas rules, true identities | {pandas['seconds']:.1f} | {pandas['cpu']:.1f} | "
        f"{pandas['peak_mb']:,.0f} |"
    )
    return "\n".join(lines)


def section(rows: list[dict], scale: float, seed: int, loads: tuple[float, float], before: str) -> str:
    pandas = next(r for r in rows if r["stage"] == "pandas")
    found = ", ".join(f"`{m}` {hit}/{planted}" for m, (_, planted, hit) in sorted(pandas["models"].items()))
    return (
        f"{START}\n## End to end: ingest + link + run (`bench/pipeline.py`, {dt.date.today()})\n\n"
        f"`procura synth --scale {scale:g} --seed {seed}`; each stage is a whole `procura` "
        "process on a fresh workspace, as a user runs it (the first `procura link` trains the linkage "
        "model). Baseline in the same "
        "run: `bench/pandas_rules.py`, the ten rules in plain pandas with the true identities from "
        "`truth.json` (no provenance, quarantine, lead store, jurisdiction or explanations — a lower bound). "
        "CPU s is user + system time of the process."
        + (f" `before` is the build at {before}." if before else "")
        + "\n\n"
        + table_markdown(rows)
        + f"\n\nPlanted violations the pandas rules cover (anchor key among its hits): {found}. "
        f"Load average when measured: {loads[0]:.1f} before, {loads[1]:.1f} after, on 2 cores shared with "
        "other jobs; the CPU column is the steadier one.\n" + END
    )


def _build(procura: Path | None) -> str:
    """``path (commit …)`` of another build's checkout, or empty."""
    if procura is None:
        return ""
    checkout = procura.resolve().parents[2]
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return f"`{checkout}` (commit {commit or 'unknown'})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="an existing synth folder instead of generating one")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "procura-bench")
    parser.add_argument("--before", type=Path, help="another build's procura executable, timed first")
    parser.add_argument("--print-only", action="store_true", help="Do not write BENCHMARKS.md")
    args = parser.parse_args()
    folder = args.data or dataset(args.scale, args.seed, args.cache)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    load_before = os.getloadavg()[0]
    rows = measure(folder, truth["as_of"], args.before)
    loads = (load_before, os.getloadavg()[0])
    print(table_markdown(rows))
    if not args.print_only:
        scale, seed = truth.get("scale", args.scale), truth.get("seed", args.seed)
        write_section(START, END, section(rows, scale, seed, loads, _build(args.before)))


if __name__ == "__main__":
    main()
