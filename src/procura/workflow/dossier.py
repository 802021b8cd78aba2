"""Sensitive reads of one lead: unmasking with a stated purpose, and the evidence bundle.

Records and subject are masked by default. Unmasking is an act with a purpose,
allowed to the lead's handler and their heads in the handling office, and is
audited. The evidence bundle (records, explanation, legal basis, measures,
history, look-back) is one JSON file for the case dossier.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.masking import mask_record
from procura.access.principal import Principal
from procura.access.purposes import check_purpose
from procura.clock import utcnow
from procura.config import Settings
from procura.errors import Forbidden
from procura.leads.orm import Lead
from procura.warehouse.evidence import read_evidence
from procura.workflow.orm import LeadWork
from procura.workflow.privacy import is_sensitive
from procura.workflow.queries import get_lead, history
from procura.workflow.scope import load


def legal_basis(lead: Lead) -> tuple[dict[str, str], ...]:
    """The legal basis the lead's model version cites (stored with the lead by the run)."""
    if lead.legal_basis:
        return tuple(dict(item) for item in lead.legal_basis)
    return _builtin_basis(lead.model_id)


@cache
def _builtin_basis(model_id: str) -> tuple[dict[str, str], ...]:
    """For leads stored before migration 0003: the basis of a built-in model, if it is one."""
    from procura.models.loader import BUILTIN_CATALOG, ModelLoadError, load_model

    folder = BUILTIN_CATALOG / model_id
    if not model_id or "/" in model_id or not folder.is_dir():
        return ()
    try:
        spec = load_model(folder).spec
    except ModelLoadError:
        return ()
    return tuple({"ref": b.ref, "zh": b.zh, "en": b.en} for b in spec.legal_basis)


def may_unmask(principal: Principal, work: LeadWork) -> bool:
    """The lead's handler, their department head and the chief of the handling office."""
    if principal.role == "system":
        return True
    if principal.office_id != work.office_id:
        return False
    if principal.role == "chief":
        return True
    if principal.role == "department_head":
        return principal.department == work.department
    return principal.role == "handler" and work.handler_id == principal.user_id


def _records(settings: Settings, lead: Lead, masked: bool) -> list[dict[str, Any]]:
    records = [row.as_json() for row in read_evidence(settings.warehouse_path, lead.evidence or [])]
    if masked:
        sexual = is_sensitive(lead)
        for item in records:
            if item["row"] is not None:
                item["row"] = mask_record(item["row"], sexual)[0]
    return records


def _check_unmask(principal: Principal, work: LeadWork, purpose: str) -> str:
    purpose = check_purpose(purpose)
    if not may_unmask(principal, work):
        raise Forbidden(
            "只有承办人及其负责人可查看敏感信息 only the lead's handler and their heads may unmask",
            {"action": "unmask"},
        )
    return purpose


def evidence_records(
    session: Session, settings: Settings, principal: Principal, lead_id: str
) -> list[dict[str, Any]]:
    """The evidence rows of a lead, masked; the read is audited."""
    lead, _ = load(session, principal, lead_id)
    audit.record_at_commit(session, principal, "lead.read_evidence", "lead", lead.id)  # ADR 0566
    return _records(settings, lead, masked=True)


def unmask(
    session: Session, settings: Settings, principal: Principal, lead_id: str, purpose: str
) -> dict[str, Any]:
    """The lead's subject, explanation and evidence rows in clear, for a stated purpose (audited)."""
    lead, work = load(session, principal, lead_id)
    purpose = _check_unmask(principal, work, purpose)
    audit.record(session, principal, "lead.unmask", "lead", lead.id, purpose=purpose)
    return {
        "lead_id": lead.id,
        "subject": dict(lead.subject or {}),
        "details": dict(lead.details or {}),
        "explanation_zh": lead.explanation_zh,
        "explanation_en": lead.explanation_en,
        "records": _records(settings, lead, masked=False),
    }


def bundle(
    session: Session,
    settings: Settings,
    principal: Principal,
    lead_id: str,
    unmask_purpose: str | None = None,
) -> dict[str, Any]:
    """The evidence bundle of a lead as one JSON-ready dict (masked unless a purpose is given)."""
    lead, work = load(session, principal, lead_id)
    masked = unmask_purpose is None
    if not masked:
        unmask_purpose = _check_unmask(principal, work, unmask_purpose or "")
    detail = get_lead(session, principal, lead_id)
    content: dict[str, Any] = {
        "bundle": {
            "generated_at": utcnow().isoformat(),
            "generated_by": principal.username,
            "office": principal.office_id,
            "masked": masked,
        },
        "lead": detail.model_dump(),
        "legal_basis": list(legal_basis(lead)),
        "records": _records(settings, lead, masked),
        "history": [e.model_dump() for e in history(session, principal, lead_id)],
    }
    if not masked:
        content["lead"].update(
            subject=dict(lead.subject or {}),
            details=dict(lead.details or {}),
            explanation_zh=lead.explanation_zh,
            explanation_en=lead.explanation_en,
            masked=False,
        )
    audit.record(
        session,
        principal,
        "lead.export_bundle",
        "lead",
        lead.id,
        purpose=unmask_purpose or "",
        details={"masked": masked},
    )
    return content


def write_bundle(
    session: Session,
    settings: Settings,
    principal: Principal,
    lead_id: str,
    unmask_purpose: str | None = None,
    out: Path | None = None,
) -> Path:
    """Write the evidence bundle to ``out`` (default ``<workspace>/out/bundles/<lead>.json``)."""
    content = bundle(session, settings, principal, lead_id, unmask_purpose)
    path = out or settings.ensure().out_dir / "bundles" / f"{lead_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path
