"""Similar-case search benchmark: query latency over a large index, beside plain BM25 retrieval.

Generates ``--docs`` documents (default 1,000,000) whose text is drawn from the
modus-operandi phrases of the synthetic families plus a 20,000-word vocabulary,
with kinds, bodies, counties, dates and amounts; builds the BM25 index; then
times record queries (combined score over every document, top 10 with reasons
and masking) and free-text queries, against plain BM25 top-10 retrieval in
the same run; then appends a small batch as an incremental refresh would and queries the
two-segment index it leaves. Tokenisation (rjieba) is timed on a sample and given in rows/s.

    python bench/similar.py                 # 1,000,000 documents, writes BENCHMARKS.md
    python bench/similar.py --docs 100000 --no-write
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sections import write_section

from procura.similar.index import append, build, save
from procura.similar.index import load as load_index
from procura.similar.score import Query, default_weights, rank
from procura.similar.service import _hit
from procura.similar.tokens import tokenize
from procura.synth.scenarios.families import templates

START, END = "<!-- bench/similar.py: start -->", "<!-- bench/similar.py: end -->"
KINDS = ("telecom_fraud", "online_defamation", "personal_info_infringement", "other", "online_insult")


def _phrases() -> list[str]:
    data = templates()
    groups = [m["phrases"] for m in data["police"]] + [
        data["failing_body"]["phrases"],
        data["operator"]["phrases"],
    ]
    return [v for phrases in groups for variants in phrases for v in variants] + list(data["fillers"])


def documents(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    phrases = _phrases()
    phrase_tokens = [tokenize(p) for p in phrases]
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    vocab = list({a + b for a, b in zip(rng.choice(chars, 20000), rng.choice(chars, 20000), strict=True)})
    picks = rng.integers(0, len(phrases), size=(n, 2))
    noise = rng.integers(0, len(vocab), size=(n, 6))
    tokens = [
        phrase_tokens[a] + phrase_tokens[b] + [vocab[i] for i in row]
        for (a, b), row in zip(picks, noise, strict=True)
    ]
    counties = [f"33{c:02d}{d:02d}" for c in range(1, 12) for d in range(2, 20)]
    return pd.DataFrame(
        {
            "table_name": "police_reports",
            "record_key": [f"PR-{i:08d}" for i in range(n)],
            "text": ["".join(t) for t in tokens],
            "kind": rng.choice(KINDS, n),
            "body": rng.integers(0, 2000, n).astype(str),
            "body_name": None,
            "region_code": rng.choice(counties, n),
            "date": pd.Timestamp("2023-07-01") + pd.to_timedelta(rng.integers(0, 1095, n), unit="D"),
            "amount": rng.integers(0, 100000, n).astype(float),
            "tokens": tokens,
        }
    )


def _pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values) * 1000, p))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    docs = documents(args.docs)
    t_gen = time.perf_counter() - t0
    sample = docs["text"].head(20000).tolist()
    t0 = time.perf_counter()
    for text in sample:
        tokenize(text)
    tok_rate = len(sample) / (time.perf_counter() - t0)
    t0, c0 = time.perf_counter(), time.process_time()
    index = build(docs)
    t_build, c_build = time.perf_counter() - t0, time.process_time() - c0
    # Incremental refresh after a small batch: the index saved as a workspace would hold it, then one
    # batch of --batch new records (1% of them re-writing existing records) appended as a segment.
    folder = Path(tempfile.mkdtemp(prefix="procura-bench-similar-")) / "similar"
    t0 = time.perf_counter()
    save(index, folder, ["b0"])
    t_save = time.perf_counter() - t0
    fresh = documents(args.batch, seed=9)
    rewritten = max(1, args.batch // 100)
    fresh["record_key"] = [f"PR-N{i:07d}" for i in range(args.batch - rewritten)] + [
        f"PR-{i:08d}" for i in range(rewritten)
    ]
    t0, c0 = time.perf_counter(), time.process_time()
    n_after = append(folder, fresh, ["b0", "b1"])
    t_inc, c_inc = time.perf_counter() - t0, time.process_time() - c0
    del index
    t0, c0 = time.perf_counter(), time.process_time()
    index = load_index(folder)  # queries run on the two-segment index the refresh left
    t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
    assert len(index) == n_after == args.docs + args.batch - rewritten
    weights = default_weights()
    rng = np.random.default_rng(2)
    combined, text_only, plain = [], [], []
    combined_cpu: list[float] = []
    text_cpu: list[float] = []
    plain_cpu: list[float] = []
    for pos in rng.integers(0, len(index), args.queries):
        doc = index.documents.iloc[int(pos)]
        query = Query(
            list(doc["tokens"]),
            str(doc["kind"]),
            str(doc["body"]),
            str(doc["region_code"]),
            float(index.day[pos]),
            float(index.amount[pos]),
            self_position=int(pos),
        )
        t0, c0 = time.perf_counter(), time.process_time()
        hits = [
            _hit(index, query, weights, n, p, s, f)
            for n, (p, s, f) in enumerate(rank(index, query, weights, 10), 1)
        ]
        combined.append(time.perf_counter() - t0)
        combined_cpu.append(time.process_time() - c0)
        assert hits
        words = list(doc["tokens"])[:4]
        t0, c0 = time.perf_counter(), time.process_time()
        rank(index, Query(words), weights, 10)
        text_only.append(time.perf_counter() - t0)
        text_cpu.append(time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        scores = index.text_scores(words)
        np.argpartition(scores, -10)[-10:]
        plain.append(time.perf_counter() - t0)
        plain_cpu.append(time.process_time() - c0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()
    rows = [
        ("combined record query (7 features, top 10 with reasons, masked)", combined, combined_cpu),
        ("free-text query through the combined scorer", text_only, text_cpu),
        ("plain BM25 top 10 (text only, the baseline)", plain, plain_cpu),
    ]
    lines = [
        f"## Similar-case search (`bench/similar.py`, {args.docs:,} documents, {args.queries} queries)",
        "",
        START,
        f"Load average before/after: {load_before[0]:.2f} / {load[0]:.2f} (2 cores shared by seven helpers). "
        f"Generated in {t_gen:.0f} s; full index built in {t_build:.1f} s ({c_build:.1f} CPU s), "
        f"saved in {t_save:.1f} s; peak RSS {peak_mb:,.0f} MB; "
        f"rjieba tokenisation {tok_rate:,.0f} records/s (20,000-record sample).",
        "",
        f"Incremental refresh after a batch of {args.batch:,} tokenised records ({rewritten} re-writing "
        f"indexed ones) at {args.docs:,}: {t_inc:.1f} s ({c_inc:.1f} CPU s) — load the segments, "
        f"tombstone the re-written records (a deletion set per segment), add one segment, write it "
        f"(the old segment and documents files hard-linked, not rewritten); plus "
        f"tokenising the batch (~{args.batch / tok_rate:.1f} s at the rate above). Loading the "
        f"two-segment index for queries: {t_load:.1f} s ({c_load:.1f} CPU s). Queries below ran on it; "
        "CPU ms is the process's CPU time per query (what the load average does not inflate).",
        "",
        "| query | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
        *[
            f"| {name} | {_pct(v, 50):.1f} | {_pct(v, 95):.1f} | {_pct(v, 100):.1f} "
            f"| {_pct(c, 50):.1f} | {_pct(c, 95):.1f} |"
            for name, v, c in rows
        ],
        END,
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        # The heading stays as written; the section between the markers is this run's.
        write_section(START, END, "\n".join(lines[2:]))


if __name__ == "__main__":
    main()
