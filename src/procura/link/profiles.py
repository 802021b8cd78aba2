"""procura's person linker on any table of profiles, outside a warehouse.

``procura link`` feeds it the warehouse's person profiles; benchmarks feed it
other datasets (FEBRL) mapped to the same columns (``PROFILE_COLUMNS``). No
identifier is treated as valid here, so every link is the model's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from procura.link.cluster import Clustering
from procura.link.model import BLOCKING_RULES, SplinkSession, quiet_splink, settings_dict


@dataclass(frozen=True)
class Training:
    """How to train the model: sample sizes and seed."""

    u_max_pairs: float = 2e6
    em_max_pairs: float = 5e5
    seed: int = 42


def cluster_profiles(
    profiles: pa.Table, threshold: float, training: Training = Training(),
    blocking_rules: tuple[str, ...] = BLOCKING_RULES,
) -> dict[int, int]:
    """Train on ``profiles``, score pairs and cluster them; return unique_id -> cluster id."""
    quiet_splink()
    session = SplinkSession(profiles, settings_dict(blocking_rules))
    try:
        session.train(training.u_max_pairs, training.em_max_pairs, training.seed)
        pairs = session.predict(threshold)
    finally:
        session.close()
    ids = profiles.column("unique_id").to_pylist()
    index = {uid: i for i, uid in enumerate(ids)}
    clustering = Clustering([None] * len(ids))
    left, right = pairs.column("unique_id_l").to_pylist(), pairs.column("unique_id_r").to_pylist()
    probability = pairs.column("match_probability").to_pylist()
    clustering.link(
        ((index[a], index[b], p) for a, b, p in zip(left, right, probability, strict=True)), "splink"
    )
    roots = clustering.roots()
    return {uid: ids[roots[i]] for i, uid in enumerate(ids)}
