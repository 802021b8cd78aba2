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
# How many of the best text matches are scored on every feature (see ``candidates``).
TEXT_CANDIDATES = 2000


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


def candidates(index: SimilarIndex, query: Query, weights: Weights, text: np.ndarray | None) -> np.ndarray:
    """The documents worth scoring: the best ``TEXT_CANDIDATES`` by text, the same body, the same
    county, and those sharing an entity. Any other document matches on none of text's best, body,
    county or entities, so it cannot outrank these on the features that carry most weight."""
    parts = [query.entity_positions]
    if text is not None:
        k = min(TEXT_CANDIDATES, len(text))
        top = np.argpartition(-text, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        parts.append(top[text[top] > 0])
    if weights.weights["body"] > 0 and query.body is not None:
        parts.append(index.group("body", _code_of(index.body_codes, query.body)))
    if weights.weights["region"] > 0 and query.region_code and query.region_code.isdigit():
        parts.append(index.group("county", int(query.region_code[:6])))
    chosen = np.zeros(len(index), dtype=bool)
    for part in parts:
        chosen[part] = True
    return np.flatnonzero(chosen)


def features(
    index: SimilarIndex, query: Query, weights: Weights, at: np.ndarray, text: np.ndarray | None
) -> dict[str, np.ndarray]:
    """Each feature for the documents at positions ``at``; features with zero weight stay zero."""
    zero = np.zeros(len(at), dtype=np.float64)
    out = {f: zero for f in FEATURES}
    w = weights.weights
    if text is not None:
        top = float(text.max()) if len(text) else 0.0
        out["text"] = text[at].astype(np.float64) / top if top > 0 else zero
    if w["kind"] > 0 and query.kind is not None:
        out["kind"] = (index.kind[at] == _code_of(index.kind_codes, query.kind)).astype(np.float64)
    if w["body"] > 0 and query.body is not None:
        out["body"] = (index.body[at] == _code_of(index.body_codes, query.body)).astype(np.float64)
    if w["region"] > 0 and query.region_code and query.region_code.isdigit():
        code = query.region_code
        out["region"] = np.where(
            index.county[at] == int(code[:6]), 1.0, np.where(index.city[at] == int(code[:4]), 0.5, 0.0)
        )
    if w["date"] > 0 and query.day is not None:
        apart = np.abs(index.day[at] - query.day)
        out["date"] = np.nan_to_num(np.exp(-apart / weights.date_scale_days), nan=0.0)
    if w["amount"] > 0 and query.amount is not None and query.amount > 0:
        a = index.amount[at]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.minimum(a, query.amount) / np.maximum(a, query.amount)
        out["amount"] = np.nan_to_num(np.where(a > 0, ratio, 0.0), nan=0.0)
    if w["entities"] > 0 and len(query.entity_positions):
        out["entities"] = np.isin(at, query.entity_positions).astype(np.float64)
    return out


def rank(
    index: SimilarIndex, query: Query, weights: Weights, limit: int, allowed: np.ndarray | None = None
) -> list[tuple[int, float, dict[str, float]]]:
    """The ``limit`` best documents as (position, score, features), best first; ties by position."""
    text = index.text_scores(query.tokens) if weights.weights["text"] > 0 and query.tokens else None
    at = candidates(index, query, weights, text)
    if allowed is not None:
        at = at[allowed[at]]
    if query.self_position is not None:
        at = at[at != query.self_position]
    if len(at) == 0:
        return []
    feats = features(index, query, weights, at, text)
    total = np.zeros(len(at), dtype=np.float64)
    for name, values in feats.items():
        if weights.weights[name] > 0:
            total += weights.weights[name] * values
    k = min(limit, len(total))
    top = np.argpartition(-total, k - 1)[:k]
    top = top[np.lexsort((at[top], -total[top]))]
    return [
        (int(at[i]), float(total[i]), {f: float(v[i]) for f, v in feats.items()}) for i in top if total[i] > 0
    ]
