"""Combined similarity: BM25 text score plus structured features, weighted by ``weights.yaml``.

Every feature lies in [0, 1] and is computed for all documents at once (numpy), so
a search is one pass over the arrays whatever the candidate set; the hits carry
the features that made them similar as reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from procura.similar.index import SimilarIndex

FEATURES = ("text", "kind", "body", "region", "date", "amount", "entities")


@dataclass(frozen=True)
class Weights:
    """The parameters of the combined score (``weights.yaml``)."""

    weights: dict[str, float]
    date_scale_days: float = 180.0
    reason_threshold: float = 0.5
    max_limit: int = 100
    max_query_chars: int = 2000

    def only(self, *features: str) -> Weights:
        """The same parameters with every feature but ``features`` weighted zero (the baselines)."""
        return replace(self, weights={f: (self.weights[f] if f in features else 0.0) for f in FEATURES})


def load_weights(path: Path | None = None) -> Weights:
    """Weights from ``path`` or the packaged ``weights.yaml``; unknown or negative weights are refused."""
    text = (
        path.read_text(encoding="utf-8")
        if path is not None
        else resources.files("procura.similar").joinpath("weights.yaml").read_text(encoding="utf-8")
    )
    raw: dict[str, Any] = yaml.safe_load(text) or {}
    weights = {str(k): float(v) for k, v in (raw.pop("weights", None) or {}).items()}
    unknown = sorted(set(weights) - set(FEATURES))
    if unknown or any(v < 0 for v in weights.values()):
        raise ValueError(f"{path or 'weights.yaml'}: weights must be >= 0 and among {', '.join(FEATURES)}")
    return Weights(weights={f: weights.get(f, 0.0) for f in FEATURES}, **raw)


@cache
def default_weights() -> Weights:
    return load_weights()


@dataclass
class Query:
    """What a search compares against: tokens and, for a record or lead, its structured fields."""

    tokens: list[str]
    kind: str | None = None
    body: str | None = None
    region_code: str | None = None
    day: float | None = None
    amount: float | None = None
    entity_positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    self_position: int | None = None


def _code_of(codes: dict[str, int], value: str | None) -> int:
    return -2 if value is None else codes.get(value, -2)


def features(index: SimilarIndex, query: Query, weights: Weights) -> dict[str, np.ndarray]:
    """Each feature for every document; features with zero weight are skipped (zeros)."""
    n = len(index)
    zero = np.zeros(n, dtype=np.float64)
    out = {f: zero for f in FEATURES}
    w = weights.weights
    if w["text"] > 0 and query.tokens:
        raw = index.text_scores(query.tokens)
        top = float(raw.max()) if n else 0.0
        out["text"] = raw / top if top > 0 else zero
    if w["kind"] > 0 and query.kind is not None:
        out["kind"] = (index.kind == _code_of(index.kind_codes, query.kind)).astype(np.float64)
    if w["body"] > 0 and query.body is not None:
        out["body"] = (index.body == _code_of(index.body_codes, query.body)).astype(np.float64)
    if w["region"] > 0 and query.region_code and query.region_code.isdigit():
        code = query.region_code
        out["region"] = np.where(
            index.county == int(code[:6]), 1.0, np.where(index.city == int(code[:4]), 0.5, 0.0)
        )
    if w["date"] > 0 and query.day is not None:
        apart = np.abs(index.day - query.day)
        out["date"] = np.nan_to_num(np.exp(-apart / weights.date_scale_days), nan=0.0)
    if w["amount"] > 0 and query.amount is not None and query.amount > 0:
        a = index.amount
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.minimum(a, query.amount) / np.maximum(a, query.amount)
        out["amount"] = np.nan_to_num(np.where(a > 0, ratio, 0.0), nan=0.0)
    if w["entities"] > 0 and len(query.entity_positions):
        shared = np.zeros(n, dtype=np.float64)
        shared[query.entity_positions] = 1.0
        out["entities"] = shared
    return out


def rank(
    index: SimilarIndex, query: Query, weights: Weights, limit: int, allowed: np.ndarray | None = None
) -> list[tuple[int, float, dict[str, float]]]:
    """The ``limit`` best documents as (position, score, features), best first; ties by position."""
    feats = features(index, query, weights)
    total = np.zeros(len(index), dtype=np.float64)
    for name, values in feats.items():
        if weights.weights[name] > 0:
            total += weights.weights[name] * values
    if allowed is not None:
        total = np.where(allowed, total, -1.0)
    if query.self_position is not None:
        total[query.self_position] = -1.0
    k = min(limit, len(total))
    if k == 0:
        return []
    top = np.argpartition(-total, k - 1)[:k]
    top = top[np.lexsort((top, -total[top]))]
    return [
        (int(p), float(total[p]), {f: float(v[p]) for f, v in feats.items()}) for p in top if total[p] > 0
    ]
