"""Linkage and model quality end to end: synth -> ingest -> link -> run -> evaluate.

For each (seed, scale) a fresh ``procura synth`` dataset is ingested into a
fresh workspace, linked from scratch (the run trains the model), every
catalogue model is run and ``procura evaluate`` scores leads and linkage
against the planted truth. Prints one row per dataset: person-pair precision
and recall (all person mentions, and those carrying more than a name), the
worst model precision and recall, near-misses flagged, and link seconds.

    .venv/bin/python bench/link_quality.py                       # seeds 1-3, scales 1 and 10
    .venv/bin/python bench/link_quality.py --seeds 1 --scales 1 --print-only
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("PROCURA_BENCH_DIR", "/tmp/procura-bench-link-quality"))
BEGIN, END = "<!-- bench/link_quality.py: start -->", "<!-- bench/link_quality.py: end -->"


def measure(seed: int, scale: float) -> dict[str, Any]:
    """One dataset through the whole pipeline; the scores as a dict."""
    from procura.config import Settings
    from procura.evaluate.service import evaluate
    from procura.ingest.service import ingest
    from procura.link.service import open_warehouse, run_link
    from procura.migrations import open_store
    from procura.models.service import RunRequest, run
    from procura.synth.dataset import generate

    data, home = ROOT / f"synth-{seed}-{scale:g}", ROOT / f"ws-{seed}-{scale:g}"
    shutil.rmtree(home, ignore_errors=True)
    if not (data / "truth.json").exists():
        generate(data, seed=seed, scale=scale)
    settings = Settings(home=home).ensure()
    ingest(settings, data / "data")
    con = open_warehouse(settings)
    try:
        started = time.perf_counter()
        report = run_link(con, settings)
        seconds = time.perf_counter() - started
    finally:
        con.close()
    as_of = date.fromisoformat(json.loads((data / "truth.json").read_text())["as_of"])
    run(settings, open_store(settings), RunRequest(as_of=as_of))
    result = evaluate(data / "truth.json", settings)
    link = result.linkage
    assert link is not None
    models = {
        s.model_id: {"precision": s.precision, "recall": s.recall, "planted": s.planted,
                     "near_miss_flagged": s.near_miss_flagged,
                     "missed": [m.get("note") for m in s.missed],
                     "false": [f.get("reason") or f.get("anchor") for f in s.false_leads]}
        for s in result.models
    }
    return {"seed": seed, "scale": scale, "mentions": report.mentions, "link_seconds": round(seconds, 1),
            "person": link.by_kind["person"], "person_more_than_name": link.by_kind["person_more_than_name"],
            "models": models}


def _row(r: dict[str, Any]) -> str:
    models = r["models"].values()
    worst_p = min((m["precision"] if m["precision"] is not None else 1.0) for m in models)
    worst_r = min((m["recall"] if m["recall"] is not None else 1.0) for m in models)
    flagged = sum(m["near_miss_flagged"] for m in models)
    planted = sum(m["planted"] for m in models)
    p, pm = r["person"], r["person_more_than_name"]
    return (f"| {r['seed']} | {r['scale']:g} | {r['mentions']:,} | {p['precision']:.4f} | "
            f"{p['recall']:.4f} | "
            f"{pm['precision']:.4f} | {pm['recall']:.4f} | {worst_p:.3f} | {worst_r:.3f} | {planted} | "
            f"{flagged} | {r['link_seconds']} |")


def write_section(lines: list[str]) -> None:
    path = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
    body = "\n".join([BEGIN, *lines, END])
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + body + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--scales", type=float, nargs="*", default=[1.0, 10.0])
    parser.add_argument("--print-only", action="store_true", help="Do not write BENCHMARKS.md")
    args = parser.parse_args()
    header = ["| seed | scale | mentions | person P | person R | person P (more than a name) "
              "| person R (more than a name) | worst model P | worst model R | planted | near-misses flagged "
              "| link s |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows, misses = [], []
    for scale in args.scales:
        for seed in args.seeds:
            r = measure(seed, scale)
            rows.append(_row(r))
            print(rows[-1], flush=True)
            for model_id, m in r["models"].items():
                if m["missed"] or m["false"]:
                    misses.append(f"seed {seed} scale {scale:g} {model_id}: missed {m['missed']} "
                                  f"false {m['false']}")
                    print(misses[-1], flush=True)
    load = os.getloadavg()[0]
    note = [
        "", f"`procura synth` datasets ({time.strftime('%Y-%m-%d')}) ingested into fresh workspaces, linked "
        "from scratch (the run trains the model), every model run at the truth's as-of date and scored by "
        "`procura evaluate`. Person P/R are pairwise over person mentions; \"more than a name\" counts only "
        "mentions that carry an identity number (valid or not), birth date, phone or address. Worst model "
        "P/R is the lowest of the ten models. Load average when measured: "
        f"{load:.1f} on 2 cores shared with other jobs.",
    ]
    if misses:
        note += ["", "Misses and false leads:", "", *[f"- {m}" for m in misses]]
    if not args.print_only:
        write_section(["## Entity resolution and model quality end to end (`bench/link_quality.py`)", "",
                       *header, *rows, *note])


if __name__ == "__main__":
    main()
