"""Leads: queue rows, the lead page, history, and the bodies of workflow actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from procura import vocab
from procura.api.schemas.common import Note
from procura.workflow.queries import SEVERITY

_ATTRS = ConfigDict(from_attributes=True)
# The service checks the code (422 otherwise); the schema shows the list in OpenAPI.
DismissReason = Annotated[str, Field(json_schema_extra={"enum": list(vocab.codes("dismiss_reasons"))})]


def severity_of(score: float) -> str:
    """The severity band of a score, from the workflow's bands (high >= 0.8 > medium >= 0.5 > low)."""
    for name, (low, high) in SEVERITY.items():
        if (low is None or score >= low) and (high is None or score < high):
            return name
    return "low"


class LeadSummaryPublic(BaseModel):
    """One row of the queue."""

    model_config = _ATTRS
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
    subject: str = Field("", description="the subject's name, masked as on the lead page")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def severity(self) -> str:
        """高/中/低 from the score (high >= 0.8, medium >= 0.5, else low)."""
        return severity_of(self.score)


class MeasurePublic(BaseModel):
    """A supervision measure, its deadline and the response."""

    model_config = _ATTRS
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


class EventPublic(BaseModel):
    """One step of a lead's history (append-only)."""

    model_config = _ATTRS
    id: int
    at: datetime
    actor: str
    office_id: str
    action: str
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class LookbackPublic(BaseModel):
    """回头看: whether the problem recurred at the body after it answered."""

    model_config = _ATTRS
    status: str
    responded_at: datetime | None
    later_runs: int
    recurrences: list[str]


class LeadDetailPublic(BaseModel):
    """The lead page; sensitive personal data masked unless ``masked`` is false."""

    model_config = _ATTRS
    summary: LeadSummaryPublic
    model_version: str
    params: dict[str, Any]
    anchor: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    subject: dict[str, Any]
    explanation_zh: str
    explanation_en: str
    details: dict[str, Any]
    dismiss_reason: str | None
    measures: list[MeasurePublic]
    links: list[dict[str, str]]
    lookback: LookbackPublic
    masked: bool


class TriageIn(Note):
    """Accept the lead, or dismiss it with a reason from the fixed list."""

    decision: Literal["accept", "dismiss"]
    reason: DismissReason | None = None


class DismissIn(Note):
    """Rule the lead out (also after investigation)."""

    reason: DismissReason


class AssignIn(Note):
    """Give the lead to a handler (by username), optionally in another department (chief only)."""

    handler: str = Field(min_length=1, max_length=64)
    department: str | None = None


class TransferIn(Note):
    """Hand the lead to another department and/or office."""

    department: str | None = None
    office: str | None = None


class SpawnIn(Note):
    """Open a linked lead in another department (prong)."""

    department: str


class DesignateIn(Note):
    """Have an office below handle the lead."""

    office: str
    department: str | None = None


class MeasureIn(Note):
    """Record a supervision measure; the deadline defaults from the settings."""

    kind: str
    addressee: str | None = Field(default=None, max_length=500)
    deadline: date | None = None
    requested: str = Field(default="", max_length=4000)


class ResponseIn(Note):
    """The addressee's response to the open measure."""

    rectified: bool


class UnmaskIn(BaseModel):
    """Unmasking is an act with a stated purpose (recorded in the audit log)."""

    model_config = ConfigDict(extra="forbid")
    purpose: str = Field(min_length=4, max_length=1000)


class SpawnedPublic(BaseModel):
    """The linked lead created by a spawn."""

    id: str
    prong: str
    status: str


class DocumentKindPublic(BaseModel):
    """A kind of formal document."""

    id: str
    title: dict[str, str]
    measures: list[str]
    deadline_days: int | None
    deadline_months: int | None
