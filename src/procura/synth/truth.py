"""The ground truth of a synthetic dataset: planted violations, near-misses, malformed rows, entities.

Written as ``DIR/truth.json`` in the format fixed by ``docs/architecture.md``;
:func:`load_truth` reads it back for ``procura evaluate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Ref = dict[str, Any]  # {"table": …, "key": {…}}

MODEL_IDS = (
    "mandatory-report-failure",
    "fines-instead-of-prosecution",
    "unfiled-online-defamation",
    "non-prosecution-without-penalty",
    "pi-case-without-civil-pil",
    "app-pi-violations",
    "price-discrimination",
    "false-litigation",
    "vulnerable-victim-support",
    "cyberviolence-cluster",
)


def ref(table: str, **key: Any) -> Ref:
    """A record reference ``{"table", "key"}``."""
    return {"table": table, "key": {k: str(v) for k, v in key.items()}}


@dataclass
class Truth:
    """Planted answers, filled in by the scenarios and the malformation step."""

    seed: int
    scale: float
    as_of: str
    province: str
    models: dict[str, dict[str, list[dict[str, Any]]]] = field(
        default_factory=lambda: {m: {"violations": [], "near_misses": []} for m in MODEL_IDS}
    )
    malformed: list[dict[str, Any]] = field(default_factory=list)
    # Further planted answers by key (``similar_families``, ``trend_shifts``), written beside ``models``.
    extras: dict[str, Any] = field(default_factory=dict)

    def violation(
        self,
        model: str,
        anchor: list[Ref],
        evidence: list[Ref],
        subject: dict[str, str],
        note: str,
        needs_er: bool = False,
    ) -> None:
        """Record a true violation: one lead must be found for ``anchor``."""
        self.models[model]["violations"].append(
            {"anchor": anchor, "evidence": evidence, "subject": subject, "note": note, "needs_er": needs_er}
        )

    def near_miss(self, model: str, anchor: list[Ref], reason: str, needs_er: bool = False) -> None:
        """Record a near-miss: ``anchor`` looks like a lead but is not one, for ``reason``."""
        self.models[model]["near_misses"].append({"anchor": anchor, "reason": reason, "needs_er": needs_er})

    def header(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "scale": self.scale,
            "as_of": self.as_of,
            "province": self.province,
            "models": self.models,
            "malformed": self.malformed,
            **self.extras,
        }


def write_truth(path: Path, truth: Truth, mention_lines: Iterable[list[str]]) -> None:
    """Write ``truth.json``; mentions come pre-serialized (one JSON object per line) for speed.

    ``mention_lines`` is an iterable of batches, so a large dataset's mentions
    are streamed rather than held as one list.
    """
    head = json.dumps(truth.header(), ensure_ascii=False, indent=1)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head[:-2] if head.endswith("\n}") else head[:-1])
        fh.write(',\n "mentions": [\n')
        first = True
        for batch in mention_lines:
            if not batch:
                continue
            if not first:
                fh.write(",\n")
            fh.write(",\n".join(batch))
            first = False
        fh.write("\n ]\n}\n")


def load_truth(path: Path) -> dict[str, Any]:
    """Read a truth file; a clear error if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable truth file ({exc})") from exc
    for required in ("as_of", "models", "mentions"):
        if required not in data:
            raise ValueError(f"{path}: truth file has no {required!r} field")
    return data
