"""A lead as a model run finds it, before it is stored: every export field but status."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from procura.leads.fingerprint import lead_id


@dataclass(frozen=True)
class LeadRecord:
    """One lead found by one model version in one run."""

    fingerprint: str
    model_id: str
    model_version: str
    params: dict[str, Any]
    anchor: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    subject: dict[str, Any]
    target: str
    region_code: str
    office: str
    prong: str
    measure: str
    score: float
    explanation_zh: str
    explanation_en: str
    details: dict[str, Any] = field(default_factory=dict)
    # The model version's legal basis ({ref, zh, en} each), shown on the lead page and in documents.
    legal_basis: list[dict[str, str]] = field(default_factory=list)

    @property
    def lead_id(self) -> str:
        return lead_id(self.fingerprint)

    @property
    def subject_entity_id(self) -> str | None:
        value = self.subject.get("entity_id")
        return None if value is None else str(value)

    def as_dict(self) -> dict[str, Any]:
        """The record as plain data (the shadow store keeps it this way)."""
        return asdict(self)
