"""Leads: queue rows, the lead page, history, and the bodies of workflow actions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from procura import vocab
from procura.api.schemas.common import Note
from procura.workflow.views import EventView, LeadDetail, LeadSummary, Lookback, MeasureView

_ATTRS = ConfigDict(from_attributes=True)
# The service checks the code (422 otherwise); the schema shows the list in OpenAPI.
DismissReason = Annotated[str, Field(json_schema_extra={"enum": list(vocab.codes("dismiss_reasons"))})]


# The lead views are the response schemas: one declaration (procura.workflow.views).
LeadSummaryPublic = LeadSummary
MeasurePublic = MeasureView
EventPublic = EventView
LookbackPublic = Lookback
LeadDetailPublic = LeadDetail


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
    findings: str = Field(default="", max_length=4000)


class ResponseIn(Note):
    """The addressee's response to the open measure."""

    rectified: StrictBool


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
