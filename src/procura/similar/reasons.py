"""Why a hit is similar: the features that reached the threshold, in Chinese and English."""

from __future__ import annotations

from typing import Any

from procura.similar.score import Weights

LABELS = {
    "text": ("案情描述相近", "similar wording"),
    "kind": ("案由/类型相同", "same charge, cause or type"),
    "body": ("同一机关/经营者", "same body or operator"),
    "region": ("同一地区", "same region"),
    "date": ("时间相近", "close in time"),
    "amount": ("金额/数量相近", "close amount"),
    "entities": ("涉及相同主体", "shared person or organisation"),
}


def reasons(
    feats: dict[str, float],
    weights: Weights,
    shared_terms: list[str],
    body_name: str | None,
    region_name: str | None,
) -> list[dict[str, Any]]:
    """One reason per weighted feature at or above the threshold, strongest contribution first."""
    out: list[dict[str, Any]] = []
    for name, value in feats.items():
        weight = weights.weights.get(name, 0.0)
        if weight <= 0 or value < weights.reason_threshold:
            continue
        zh, en = LABELS[name]
        detail = ""
        if name == "text" and shared_terms:
            detail = "、".join(shared_terms)
        elif name == "body" and body_name:
            detail = body_name
        elif name == "region" and region_name:
            detail = region_name if value >= 1.0 else f"{region_name}（同市 same city）"
        out.append(
            {
                "code": name,
                "zh": zh,
                "en": en,
                "detail": detail,
                "value": round(value, 3),
                "contribution": round(weight * value, 3),
            }
        )
    out.sort(key=lambda r: -r["contribution"])
    return out
