"""What of a lead is sensitive, and the lead's masked subject, details and explanations.

A lead is sensitive when its model concerns sexual harm, or when its details
say the person concerned is a minor. Then the person's name is masked
everywhere; identity numbers, diagnoses, addresses and phones always are.
Organisations keep their names: the measure is addressed to them.
"""

from __future__ import annotations

from typing import Any

from procura.access.masking import MINOR_AGE, mask_name, mask_record, mask_text
from procura.leads.orm import Lead

SEXUAL_CONTEXT_MODELS = frozenset({"mandatory-report-failure"})
AGE_FIELDS = ("victim_age", "patient_age", "age")
MINOR_FLAGS = ("minor", "is_minor", "under", "minor_reports")


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def concerns_minor(details: dict[str, Any]) -> bool:
    """True when the lead's details show the person concerned is under 18."""
    for field in AGE_FIELDS:
        age = _number(details.get(field))
        if age is not None and age < MINOR_AGE:
            return True
    return any(details.get(flag) not in (None, False, 0, "", "0", "false") for flag in MINOR_FLAGS)


def is_sensitive(lead: Lead) -> bool:
    """Sexual-harm models and leads about minors."""
    return _sensitive(lead.model_id, lead.details)


def _sensitive(model_id: str, details: dict[str, Any] | None) -> bool:
    return model_id in SEXUAL_CONTEXT_MODELS or concerns_minor(dict(details or {}))


def _masked_subject(
    model_id: str, subject: dict[str, Any] | None, details: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The masked subject and details, and the replacements made (for the free text)."""
    sensitive = _sensitive(model_id, details)
    masked_details, names = mask_record(dict(details or {}), sensitive)
    masked = dict(subject or {})
    is_person = masked.get("kind") != "org"
    masked, subject_names = mask_record(masked, sensitive and is_person)
    names.update(subject_names)
    name = (subject or {}).get("name")
    if sensitive and is_person and isinstance(name, str) and name:
        masked["name"] = names.setdefault(name, mask_name(name) or "")
    return masked, masked_details, names


def masked_subject_name(model_id: str, subject: dict[str, Any] | None, details: dict[str, Any] | None) -> str:
    """The subject's name as the queue shows it: what ``masked_lead`` shows, without the
    explanations (the queue reads only these three columns of a lead)."""
    return str(_masked_subject(model_id, subject, details)[0].get("name") or "")


def masked_lead(lead: Lead) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    """The lead's subject, details and explanations (zh, en) with sensitive personal data masked."""
    subject, details, names = _masked_subject(lead.model_id, lead.subject, lead.details)
    for key, value in details.items():
        if isinstance(value, str):
            details[key] = mask_text(value, names)
    return (
        subject,
        details,
        mask_text(lead.explanation_zh, names) or "",
        mask_text(lead.explanation_en, names) or "",
    )
