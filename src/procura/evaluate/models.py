"""Scoring leads against planted violations, model by model.

A lead *matches* a planted violation of the same model when they share an
anchor record: same table, and the two keys agree on every field both name
(so a case-level ``{"case_no"}`` anchor matches a ``{"case_no", "suspect_key"}``
row). Leads matching no violation are false leads, labelled with the
near-miss they hit, if any. Further leads for an already-matched violation
are duplicates; they count against precision (ADR 0203).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

Index = dict[tuple[str, str, str], list[tuple[int, dict[str, str]]]]


@dataclass
class ModelScore:
    """One model's result against the truth."""

    model_id: str
    planted: int
    near_misses: int
    leads: int
    found: int
    duplicates: int
    false_leads: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    er_planted: int = 0
    er_found: int = 0

    @property
    def precision(self) -> float | None:
        judged = self.found + len(self.false_leads) + self.duplicates
        return self.found / judged if judged else None

    @property
    def recall(self) -> float | None:
        return self.found / self.planted if self.planted else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    @property
    def near_miss_flagged(self) -> int:
        return sum(1 for lead in self.false_leads if lead["near_miss"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "planted": self.planted,
            "near_misses": self.near_misses,
            "leads": self.leads,
            "found": self.found,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "duplicates": self.duplicates,
            "false_leads": self.false_leads,
            "near_misses_flagged": self.near_miss_flagged,
            "missed": self.missed,
            "er_dependent_planted": self.er_planted,
            "er_dependent_found": self.er_found,
        }


def _norm(key: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v).strip() for k, v in key.items()}


def _index(entries: list[dict[str, Any]]) -> Index:
    """Anchor records of each entry, indexed by (table, field, value) of every key field."""
    index: Index = defaultdict(list)
    for number, entry in enumerate(entries):
        for item in entry["anchor"]:
            key = _norm(item["key"])
            for name, value in key.items():
                index[(item["table"], name, value)].append((number, key))
    return index


def _matches(index: Index, anchor: list[dict[str, Any]]) -> set[int]:
    hits: set[int] = set()
    for item in anchor:
        key = _norm(item.get("key", {}))
        if not key:
            continue
        name, value = next(iter(key.items()))
        for number, truth_key in index.get((item.get("table", ""), name, value), []):
            if all(truth_key[k] == key[k] for k in key.keys() & truth_key.keys()):
                hits.add(number)
    return hits


def _summary(item: dict[str, Any]) -> str:
    return "; ".join(f"{a['table']}({'|'.join(str(v) for v in a['key'].values())})" for a in item["anchor"])


def score_model(
    model_id: str, planted: dict[str, list[dict[str, Any]]], leads: list[dict[str, Any]]
) -> ModelScore:
    """Score one model's leads against its planted violations and near-misses."""
    violations, near = planted.get("violations", []), planted.get("near_misses", [])
    v_index, n_index = _index(violations), _index(near)
    score = ModelScore(
        model_id,
        len(violations),
        len(near),
        len(leads),
        0,
        0,
        er_planted=sum(1 for v in violations if v.get("needs_er")),
    )
    matched: set[int] = set()
    for lead in leads:
        hits = _matches(v_index, lead["anchor"])
        if hits:
            fresh = hits - matched
            if not fresh:
                score.duplicates += 1
            matched |= hits
            continue
        near_hits = sorted(_matches(n_index, lead["anchor"]))
        score.false_leads.append(
            {
                "lead_id": lead.get("lead_id"),
                "anchor": _summary(lead),
                "near_miss": near[near_hits[0]]["reason"] if near_hits else None,
            }
        )
    score.found = len(matched)
    score.er_found = sum(1 for i in matched if violations[i].get("needs_er"))
    score.missed = [
        {"anchor": _summary(v), "note": v.get("note", ""), "needs_er": bool(v.get("needs_er"))}
        for i, v in enumerate(violations)
        if i not in matched
    ]
    return score


def score_models(truth: dict[str, Any], leads: list[dict[str, Any]]) -> list[ModelScore]:
    """Scores for every model in the truth, plus any model that produced leads without a truth entry."""
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for lead in leads:
        by_model[lead["model_id"]].append(lead)
    models = list(truth["models"]) + sorted(set(by_model) - set(truth["models"]))
    return [score_model(m, truth["models"].get(m, {}), by_model.get(m, [])) for m in models]
