"""Deterministic lead identity: sha256 of the model id and the canonical anchor."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal data, equal text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def fingerprint(model_id: str, anchor: list[dict[str, Any]]) -> str:
    """``sha256(model_id + canonical JSON of the anchor)`` as hex (docs/architecture.md)."""
    return hashlib.sha256((model_id + canonical_json(anchor)).encode("utf-8")).hexdigest()


def lead_id(fp: str) -> str:
    """The lead's id, derived from its fingerprint so every store agrees."""
    return f"L-{fp[:16]}"
