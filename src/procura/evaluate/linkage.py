"""Pairwise scoring of an entity resolution against the truth's entity of every mention.

Mentions are identified by (table, record key, role). Over the mentions both
sides know, a pair of mentions is *true* when the truth puts them in one
entity and *predicted* when the linkage does; precision and recall are taken
over pairs, counted from the contingency table (no pair is enumerated).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from procura.evaluate.leads import EvaluationInputError
from procura.synth.schema import record_key
from procura.warehouse import probes


@dataclass
class LinkageScore:
    """Pairwise precision and recall of a linkage, overall and by kind."""

    source: str
    truth_mentions: int
    linked_mentions: int
    compared: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    by_kind: dict[str, dict[str, Any]]

    @property
    def precision(self) -> float | None:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        return self.correct_pairs / self.true_pairs if self.true_pairs else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "truth_mentions": self.truth_mentions,
            "linked_mentions": self.linked_mentions,
            "compared": self.compared,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "by_kind": self.by_kind,
        }


def truth_mentions(truth: dict[str, Any]) -> pd.DataFrame:
    """The truth's mentions as (table, key, role, entity)."""
    rows = truth.get("mentions", [])
    frame = pd.DataFrame(
        {
            "table": [m["table"] for m in rows],
            "key": [record_key(m["table"], m["key"]) for m in rows],
            "role": [m["role"] for m in rows],
            "entity": [m["entity"] for m in rows],
        }
    )
    return frame


def read_linkage_csv(path: Path) -> pd.DataFrame:
    """A linkage export with columns table, key, role, entity_id (probability optional)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise EvaluationInputError(f"{path}: cannot read linkage CSV ({exc})") from exc
    missing = {"table", "key", "role", "entity_id"} - set(frame.columns)
    if missing:
        raise EvaluationInputError(f"{path}: linkage CSV lacks column(s) {', '.join(sorted(missing))}")
    return frame[["table", "key", "role", "entity_id"]]


# The linkage with, per mention, whether it carries more than a name (the linker's own reading).
_WITH_FIELDS = """
SELECT m.table_name AS "table", m.record_key AS "key", m.role, m.entity_id,
       (i.id_no IS NOT NULL OR i.birth_date IS NOT NULL OR i.phone IS NOT NULL
        OR i.address IS NOT NULL) AS more_than_name
FROM mentions m LEFT JOIN _link_input i USING (table_name, record_key, role)
"""


def read_linkage_warehouse(path: Path) -> pd.DataFrame | None:
    """The ``mentions`` table of a warehouse, or None when there is no linkage yet."""
    import duckdb

    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise EvaluationInputError(f"{path}: cannot open the warehouse ({exc})") from exc
    try:
        if not probes.has_table(con, "mentions"):
            return None
        if not probes.has_table(con, "_link_input"):
            return con.execute(
                'SELECT table_name AS "table", record_key AS "key", role, entity_id FROM mentions'
            ).df()
        return con.execute(_WITH_FIELDS).df()
    finally:
        con.close()


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _score(merged: pd.DataFrame) -> tuple[int, int, int]:
    true_pairs = _pairs(merged.groupby("entity").size())
    predicted = _pairs(merged.groupby("entity_id").size())
    correct = _pairs(merged.groupby(["entity", "entity_id"]).size())
    return true_pairs, predicted, correct


def score_linkage(truth: dict[str, Any], linkage: pd.DataFrame, source: str) -> LinkageScore:
    """Pairwise scores of ``linkage`` (table, key, role, entity_id) against the truth's mentions."""
    expected = truth_mentions(truth)
    linked = linkage.dropna(subset=["entity_id"]).astype({"entity_id": str})
    merged = expected.merge(linked, on=["table", "key", "role"], how="inner")
    true_pairs, predicted, correct = _score(merged)
    by_kind: dict[str, dict[str, Any]] = {}
    for kind, prefix in (("person", "TP-"), ("org", "TO-")):
        part = merged[merged.entity.str.startswith(prefix)]
        t, p, c = _score(part)
        by_kind[kind] = {
            "compared": len(part),
            "precision": c / p if p else None,
            "recall": c / t if t else None,
        }
    if "more_than_name" in merged.columns:
        # Persons named by more than a name: the pairs a linker can be asked to find.
        part = merged[merged.entity.str.startswith("TP-") & merged.more_than_name.fillna(False).astype(bool)]
        t, p, c = _score(part)
        by_kind["person_more_than_name"] = {
            "compared": len(part),
            "precision": c / p if p else None,
            "recall": c / t if t else None,
        }
    return LinkageScore(
        source, len(expected), len(linked), len(merged), true_pairs, predicted, correct, by_kind
    )
