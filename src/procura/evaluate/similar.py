"""Scoring similar-case search on planted families: precision@5, nDCG@10 and grouping purity.

Every member of every planted family is a query; the other members are the
relevant answers. The combined score is compared, in the same run, with plain
BM25 (text weight only) and structured-only similarity (every weight but text).
Grouping purity: records of the families and their decoys are joined when one
is among the other's top hits with a combined score of at least ``LINK_SCORE``
(single linkage); purity is the share of records whose group's majority is their
own family (each decoy is its own class).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from procura.config import Settings
from procura.similar import index as index_store
from procura.similar.score import FEATURES, Weights, default_weights, rank
from procura.similar.service import record_query

LINK_SCORE = 0.6


@dataclass
class RetrievalScore:
    method: str
    queries: int
    precision_at_5: float
    ndcg_at_10: float


@dataclass
class SimilarScore:
    families: int
    records: int
    methods: list[RetrievalScore]
    purity: float
    groups: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ref_key(ref: dict[str, Any]) -> str:
    return f"{ref['table']}:{'|'.join(str(v) for v in ref['key'].values())}"


def _ndcg(hits: list[bool], relevant: int) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits[:10]) if hit)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(10, relevant)))
    return dcg / ideal if ideal else 0.0


def _methods(weights: Weights) -> dict[str, Weights]:
    return {
        "combined 组合": weights,
        "bm25 文本": weights.only("text"),
        "structured 结构化": weights.only(*(f for f in FEATURES if f != "text")),
    }


def score_similar(
    settings: Settings, truth: dict[str, Any], weights: Weights | None = None
) -> SimilarScore | None:
    """Scores for the truth's ``similar_families`` against the workspace index.

    None without families, or when the workspace's index lacks the families' records
    (it holds another dataset than the truth).
    """
    families = truth.get("similar_families") or []
    if not families:
        return None
    weights = weights or default_weights()
    index = index_store.current(settings)
    label: dict[str, str] = {}
    for fam in families:
        for ref in fam["members"]:
            label[_ref_key(ref)] = fam["id"]
        for ref in fam["decoys"]:
            label[_ref_key(ref)] = "decoy:" + _ref_key(ref)
    queries = [(_ref_key(r), fam["id"], len(fam["members"]) - 1) for fam in families for r in fam["members"]]
    if any(index.position(*key.split(":", 1)) is None for key in label):
        # The workspace holds another dataset than the truth (e.g. the demo's): nothing to score.
        return None
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        built = {key: record_query(settings, index, key, con) for key in label}
    methods = []
    for method, w in _methods(weights).items():
        p5, ndcg, n = 0.0, 0.0, 0
        for key, fid, relevant in queries:
            ranked = rank(index, built[key], w, 10)
            found = [label.get(str(index.positions[p])) == fid for p, _, _ in ranked]
            p5 += sum(found[:5]) / 5
            ndcg += _ndcg(found, relevant)
            n += 1
        methods.append(RetrievalScore(method, n, round(p5 / n, 4), round(ndcg / n, 4)))
    purity, groups = _purity(index, label, built, weights)
    return SimilarScore(len(families), len(label), methods, purity, groups)


def _purity(index: Any, label: dict[str, str], built: dict[str, Any], weights: Weights) -> tuple[float, int]:
    keys = sorted(label)
    at = {k: i for i, k in enumerate(keys)}
    rows, cols = [], []
    for key in keys:
        for pos, score, _ in rank(index, built[key], weights, 10):
            other = str(index.positions[pos])
            if score >= LINK_SCORE and other in at:
                rows.append(at[key])
                cols.append(at[other])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), len(keys)))
    n_groups, group = connected_components(graph, directed=True, connection="weak")
    pure = 0
    for g in range(n_groups):
        members = [label[keys[i]] for i in np.flatnonzero(group == g)]
        pure += max(members.count(m) for m in set(members))
    return round(pure / len(keys), 4), int(n_groups)
