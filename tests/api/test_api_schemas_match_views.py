"""The API's lead schemas are the service's lead views: one declaration, no drift."""

from __future__ import annotations

from procura.api.schemas import leads as schemas
from procura.workflow import views


def test_the_lead_schemas_are_the_views() -> None:
    assert schemas.LeadSummaryPublic is views.LeadSummary
    assert schemas.LeadDetailPublic is views.LeadDetail
    assert (schemas.MeasurePublic, schemas.EventPublic, schemas.LookbackPublic) == (
        views.MeasureView,
        views.EventView,
        views.Lookback,
    )


def test_a_view_reads_an_orm_row_and_shows_aware_utc_times() -> None:
    from datetime import datetime

    from procura.workflow.orm import LeadEvent

    row = LeadEvent(
        id=1, lead_id="L-1", at=datetime(2026, 1, 2, 3, 4), actor="wang", office_id="330110-county",
        action="accept", from_status="new", to_status="accepted", note="", data={},
    )  # fmt: skip
    event = schemas.EventPublic.model_validate(row)
    assert event.at.tzinfo is not None and event.at.hour == 3
    summary = views.LeadSummary(
        id="L-1", model_id="m", prong="criminal", department="criminal", office="330110-county",
        region_code="330110", status="new", score=0.85, measure="protest", target="t", handler=None,
        created_at=None, overdue=False, deadline=None,
    )  # fmt: skip
    assert summary.model_dump()["severity"] == "high"
