"""What the service layer hands to interfaces: plain dataclasses, masked by default."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from procura.clock import as_utc


class _UtcTimes:
    """Times come back naive from SQLite and aware from PostgreSQL: views always show aware UTC."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                setattr(self, f.name, as_utc(value))


@dataclass
class LeadSummary(_UtcTimes):
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


@dataclass
class MeasureView(_UtcTimes):
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


@dataclass
class EventView(_UtcTimes):
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


@dataclass
class Lookback(_UtcTimes):
    """回头看: after a body answered a measure, did later runs find the problem again there?"""

    status: str  # not_applicable | pending | clear | persists | recurred
    responded_at: datetime | None = None
    later_runs: int = 0
    recurrences: list[str] = field(default_factory=list)


@dataclass
class LeadDetail:
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


@dataclass
class Page:
    """One page of a list, with the total matching the filters."""

    items: list[Any]
    total: int
    limit: int
    offset: int


def to_dict(view: Any) -> dict[str, Any]:
    """A view as a dict (for JSON output)."""
    return asdict(view)
