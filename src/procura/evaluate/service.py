"""``procura evaluate``: one call that scores leads and linkage against a truth file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procura.config import Settings
from procura.evaluate.leads import EvaluationInputError, leads_from_store, read_lead_export
from procura.evaluate.linkage import LinkageScore, read_linkage_csv, read_linkage_warehouse, score_linkage
from procura.evaluate.models import ModelScore, score_models
from procura.evaluate.similar import SimilarScore, score_similar
from procura.evaluate.trends import TrendScore, score_trends
from procura.synth.truth import load_truth


@dataclass
class Evaluation:
    """Per-model scores, the linkage score (when a linkage was found) and where the inputs came from."""

    truth: str
    leads_source: str
    models: list[ModelScore]
    linkage: LinkageScore | None
    similar: SimilarScore | None = None
    trends: TrendScore | None = None

    def totals(self) -> dict[str, Any]:
        planted = sum(m.planted for m in self.models)
        found = sum(m.found for m in self.models)
        false = sum(len(m.false_leads) for m in self.models)
        dup = sum(m.duplicates for m in self.models)
        judged = found + false + dup
        return {
            "planted": planted,
            "found": found,
            "false_leads": false,
            "duplicates": dup,
            "precision": found / judged if judged else None,
            "recall": found / planted if planted else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "truth": self.truth,
            "leads_source": self.leads_source,
            "totals": self.totals(),
            "models": [m.to_dict() for m in self.models],
            "linkage": self.linkage.to_dict() if self.linkage else None,
            "similar": self.similar.to_dict() if self.similar else None,
            "trends": self.trends.to_dict() if self.trends else None,
        }


def evaluate(
    truth_path: Path,
    settings: Settings | None = None,
    leads_path: Path | None = None,
    mentions_path: Path | None = None,
) -> Evaluation:
    """Score leads (the export file, else the workspace's lead store) and the linkage against the truth."""
    try:
        truth = load_truth(truth_path)
    except ValueError as exc:
        raise EvaluationInputError(str(exc)) from exc
    if leads_path is not None:
        leads, source = read_lead_export(leads_path), str(leads_path)
    elif settings is not None:
        leads, source = leads_from_store(settings), f"lead store of {settings.home}"
    else:
        raise EvaluationInputError("no leads to score: pass --leads FILE or a workspace")
    linkage = None
    if mentions_path is not None:
        linkage = score_linkage(truth, read_linkage_csv(mentions_path), str(mentions_path))
    elif settings is not None:
        frame = read_linkage_warehouse(settings.warehouse_path)
        if frame is not None:
            linkage = score_linkage(truth, frame, str(settings.warehouse_path))
    result = Evaluation(str(truth_path), source, score_models(truth, leads), linkage)
    if settings is not None and settings.warehouse_path.exists():
        # Planted similar-case families and trend shifts are scored against the workspace's warehouse.
        result.similar = score_similar(settings, truth)
        result.trends = score_trends(settings, truth)
    return result
