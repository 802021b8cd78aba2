"""The lead views: what the service layer hands to every interface, masked by default.

The API's response schemas are these classes (``procura.api.schemas.leads``
names them), the CLI prints them and the evidence bundle dumps them, so a field
is declared once. They read from attributes, so an ORM row (a lead event, a
measure) validates into its view directly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from procura.clock import as_utc

# Severity bands of a lead's score: high >= 0.8 > medium >= 0.5 > low.
SEVERITY: dict[str, tuple[float | None, float | None]] = {
    "high": (0.8, None),
    "medium": (0.5, 0.8),
    "low": (None, 0.5),
}


def severity_of(score: float) -> str:
    """The severity band of a score."""
    for name, (low, high) in SEVERITY.items():
        if (low is None or score >= low) and (high is None or score < high):
            return name
    return "low"


class View(BaseModel):
    """Base of the views: built from attributes; times always aware UTC (SQLite returns naive ones)."""

    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return as_utc(value) if isinstance(value, datetime) else value


class LeadSummary(View):
    """One row of a lead queue."""

    id: str
    model_id: str
    prong: str
    department: str
    office: str
    region_code: str
    status: str
    score: float
    measure: str
    target: str
    handler: str | None
    created_at: datetime | None
    overdue: bool
    deadline: date | None
    subject: str = ""  # the subject's name, masked as on the lead page

    @computed_field  # type: ignore[prop-decorator]
    @property
    def severity(self) -> str:
        """高/中/低 from the score (high >= 0.8, medium >= 0.5, else low)."""
        return severity_of(self.score)


class MeasureView(View):
    """A measure with its deadline and response."""

    id: int
    kind: str
    addressee: str
    requested: str
    issued_at: datetime
    issued_by: str | None
    deadline: date | None
    response_at: datetime | None
    response_outcome: str | None
    response_note: str | None
    overdue: bool


class EventView(View):
    """One step of a lead's history."""

    id: int
    at: datetime
    actor: str
    office_id: str
    action: str
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class Lookback(View):
    """回头看: after a body answered a measure, did later runs find the problem again there?"""

    status: str  # not_applicable | pending | clear | unconfirmed | persists | recurred
    responded_at: datetime | None = None
    # The answered measure the look-back is about (the latest response).
    measure_id: int | None = None
    later_runs: int = 0
    recurrences: list[str] = Field(default_factory=list)
    # Anchoring records (table:key) delivered after the response; "persists" needs one.
    fresh_facts: list[str] = Field(default_factory=list)


class LeadDetail(View):
    """A lead page: the summary plus masked subject, explanation, evidence keys and follow-up."""

    summary: LeadSummary
    model_version: str
    params: dict[str, Any]
    anchor: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    subject: dict[str, Any]
    explanation_zh: str
    explanation_en: str
    details: dict[str, Any]
    dismiss_reason: str | None
    measures: list[MeasureView]
    links: list[dict[str, str]]
    lookback: Lookback
    masked: bool = True


class Page(View):
    """One page of a list, with the total matching the filters."""

    items: list[Any]
    total: int
    limit: int
    offset: int


def to_dict(view: BaseModel) -> dict[str, Any]:
    """A view as a dict (for JSON output)."""
    return view.model_dump()
