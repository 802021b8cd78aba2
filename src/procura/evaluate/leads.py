"""Leads to score: a lead export (JSON Lines, the models spec's format) or the workspace's lead store."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from procura.config import Settings
from procura.errors import InvalidInput


class EvaluationInputError(InvalidInput):
    """An input file or store that cannot be scored; the message names file, line and field."""


def read_lead_export(path: Path) -> list[dict[str, Any]]:
    """Leads from an export: JSONL, or CSV with the anchor as JSON text; each needs model_id and anchor."""
    if not path.exists():
        raise EvaluationInputError(f"{path}: no such lead export")
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    leads = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                lead = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationInputError(f"{path}: line {number}: not JSON ({exc.msg})") from exc
            _check(lead, f"{path}: line {number}")
            leads.append(lead)
    return leads


def _read_csv(path: Path) -> list[dict[str, Any]]:
    leads = []
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            lead: dict[str, Any] = dict(row)
            try:
                lead["anchor"] = json.loads(row.get("anchor") or "null")
            except json.JSONDecodeError as exc:
                raise EvaluationInputError(
                    f"{path}: row {number}: field 'anchor' is not JSON ({exc.msg})"
                ) from exc
            _check(lead, f"{path}: row {number}")
            leads.append(lead)
    return leads


def _check(lead: Any, where: str) -> None:
    if not isinstance(lead, dict):
        raise EvaluationInputError(f"{where}: a lead must be a JSON object")
    if not isinstance(lead.get("model_id"), str):
        raise EvaluationInputError(f"{where}: field 'model_id' missing")
    anchor = lead.get("anchor")
    if not isinstance(anchor, list) or not all(
        isinstance(a, dict) and isinstance(a.get("table"), str) and isinstance(a.get("key"), dict)
        for a in anchor
    ):
        raise EvaluationInputError(f"{where}: field 'anchor' must be a list of {{table, key}} objects")


def leads_from_store(settings: Settings) -> list[dict[str, Any]]:
    """Every lead in the workspace's operational database, in the export format."""
    from sqlalchemy.exc import SQLAlchemyError

    from procura.access.principal import SYSTEM
    from procura.db import session_scope
    from procura.leads.export import export_record
    from procura.migrations import open_store
    from procura.workflow.queries import lead_records

    if settings.ops_url.startswith("sqlite") and not (settings.home / "procura.db").exists():
        raise EvaluationInputError(
            f"{settings.home}: no lead store in this workspace; run the models first or pass --leads FILE"
        )
    try:
        with session_scope(open_store(settings)) as session:
            return [export_record(lead) for lead in lead_records(session, SYSTEM)]
    except SQLAlchemyError as exc:
        raise EvaluationInputError(
            f"cannot read leads from {settings.ops_url}: {exc.__class__.__name__}"
        ) from exc
