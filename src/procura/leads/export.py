"""The lead export format of spec/supervision-models.md, as JSON Lines or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from procura.leads.orm import Lead
from procura.standard.text import spreadsheet_safe

EXPORT_FIELDS = (
    "lead_id", "fingerprint", "model_id", "model_version", "params", "anchor", "evidence", "subject",
    "target", "region_code", "office", "prong", "measure", "score", "status", "explanation",
    "explanation_zh", "explanation_en", "details", "created_at", "updated_at",
)
FORMATS = ("jsonl", "csv")


def export_record(lead: Lead) -> dict[str, Any]:
    """One lead in the export format (``explanation`` is the Chinese text)."""
    return {
        "lead_id": lead.id,
        "fingerprint": lead.fingerprint,
        "model_id": lead.model_id,
        "model_version": lead.model_version,
        "params": lead.params,
        "anchor": lead.anchor,
        "evidence": lead.evidence,
        "subject": lead.subject,
        "target": lead.target,
        "region_code": lead.region_code,
        "office": lead.office,
        "prong": lead.prong,
        "measure": lead.measure,
        "score": lead.score,
        "status": lead.status,
        "explanation": lead.explanation_zh,
        "explanation_zh": lead.explanation_zh,
        "explanation_en": lead.explanation_en,
        "details": lead.details,
        "created_at": lead.created_at.isoformat() if lead.created_at else None,
        "updated_at": lead.updated_at.isoformat() if lead.updated_at else None,
    }


def _record(item: Lead | dict[str, Any]) -> dict[str, Any]:
    """A lead's export record; a record already built (e.g. masked) is taken as it is."""
    return item if isinstance(item, dict) else export_record(item)


def write_jsonl(leads: Iterable[Lead | dict[str, Any]], out: TextIO) -> int:
    """One JSON object per line; returns the number written."""
    count = 0
    for lead in leads:
        out.write(json.dumps(_record(lead), ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


def _cell(value: Any) -> Any:
    """Nested values as JSON text; text a spreadsheet would run as a formula escaped (ADR 0563)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return spreadsheet_safe(value)


def write_csv(leads: Iterable[Lead | dict[str, Any]], out: TextIO) -> int:
    """One row per lead; nested fields (params, anchor, evidence…) as JSON text."""
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS))
    writer.writeheader()
    count = 0
    for lead in leads:
        row = _record(lead)
        writer.writerow({k: _cell(v) for k, v in row.items()})
        count += 1
    return count


def write(leads: Iterable[Lead | dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write ``leads`` in ``fmt`` (jsonl or csv)."""
    if fmt == "jsonl":
        return write_jsonl(leads, out)
    if fmt == "csv":
        return write_csv(leads, out)
    raise ValueError(f"unknown export format {fmt!r}; choose jsonl or csv")
