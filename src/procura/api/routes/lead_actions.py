"""Workflow actions on a lead; each calls one service function that checks who may act."""

from __future__ import annotations

from fastapi import APIRouter

from procura.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from procura.api.schemas.common import ERRORS, Note
from procura.api.schemas.leads import (
    AssignIn,
    DesignateIn,
    DismissIn,
    EventPublic,
    MeasureIn,
    MeasurePublic,
    ResponseIn,
    SpawnedPublic,
    SpawnIn,
    TransferIn,
    TriageIn,
)
from procura.clock import today
from procura.workflow import service
from procura.workflow.queries import measure_view

router = APIRouter(
    prefix="/leads/{lead_id}",
    tags=["lead workflow 线索办理"],
    responses={s: ERRORS[s] for s in (401, 403, 404, 409, 422)},
)


@router.post("/triage", response_model=EventPublic, summary="研判 Triage (accept or dismiss)")
def triage(lead_id: str, body: TriageIn, session: SessionDep, principal: CurrentPrincipal) -> EventPublic:
    """Accept the lead, or dismiss it with a reason (``other`` needs a note)."""
    event = service.triage(session, principal, lead_id, body.decision, body.reason, body.note)
    return EventPublic.model_validate(event)


@router.post("/dismiss", response_model=EventPublic, summary="排除 Dismiss")
def dismiss(lead_id: str, body: DismissIn, session: SessionDep, principal: CurrentPrincipal) -> EventPublic:
    """Rule the lead out, at triage or after investigation."""
    return EventPublic.model_validate(service.dismiss(session, principal, lead_id, body.reason, body.note))


@router.post("/assign", response_model=EventPublic, summary="指派 Assign")
def assign(lead_id: str, body: AssignIn, session: SessionDep, principal: CurrentPrincipal) -> EventPublic:
    """Give the lead to a handler of the handling office."""
    event = service.assign(session, principal, lead_id, body.handler, body.department, body.note)
    return EventPublic.model_validate(event)


@router.post("/transfer", response_model=EventPublic, summary="移送 Transfer")
def transfer(lead_id: str, body: TransferIn, session: SessionDep, principal: CurrentPrincipal) -> EventPublic:
    """Hand the lead to another department and/or office."""
    event = service.transfer(session, principal, lead_id, body.department, body.office, body.note)
    return EventPublic.model_validate(event)


@router.post("/spawn", response_model=SpawnedPublic, status_code=201, summary="衍生线索 Linked lead")
def spawn(lead_id: str, body: SpawnIn, session: SessionDep, principal: CurrentPrincipal) -> SpawnedPublic:
    """Open a linked lead in another prong; both stay linked."""
    child = service.spawn(session, principal, lead_id, body.department, body.note)
    return SpawnedPublic(id=child.id, prong=child.prong, status=child.status)


@router.post("/escalate", response_model=EventPublic, summary="报请上级 Escalate")
def escalate(lead_id: str, body: Note, session: SessionDep, principal: CurrentPrincipal) -> EventPublic:
    """Refer the lead to the office one level up."""
    return EventPublic.model_validate(service.escalate(session, principal, lead_id, body.note))


@router.post("/designate", response_model=EventPublic, summary="指定管辖 Designate")
def designate(
    lead_id: str, body: DesignateIn, session: SessionDep, principal: CurrentPrincipal
) -> EventPublic:
    """Have an office below handle the lead."""
    event = service.designate(session, principal, lead_id, body.office, body.department, body.note)
    return EventPublic.model_validate(event)


@router.post("/measures", response_model=MeasurePublic, status_code=201, summary="监督措施 Record a measure")
def act(
    lead_id: str, body: MeasureIn, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> MeasurePublic:
    """Record a supervision measure addressed to a body; the response deadline defaults from the settings."""
    measure = service.act(
        session,
        settings,
        principal,
        lead_id,
        body.kind,
        body.addressee,
        body.deadline,
        body.requested,
        body.note,
        body.findings,
    )
    return MeasurePublic.model_validate(measure_view(measure, principal.username, today()))


@router.post("/responses", response_model=MeasurePublic, summary="回复 Record the response")
def respond(
    lead_id: str, body: ResponseIn, session: SessionDep, principal: CurrentPrincipal
) -> MeasurePublic:
    """Record the addressee's response to the open measure: rectified or not."""
    measure = service.respond(session, principal, lead_id, body.rectified, body.note)
    return MeasurePublic.model_validate(measure_view(measure, None, today()))


@router.post("/close", response_model=EventPublic, summary="办结 Close")
def close(lead_id: str, body: Note, session: SessionDep, principal: CurrentPrincipal) -> EventPublic:
    """Close a lead whose infringement was corrected."""
    return EventPublic.model_validate(service.close(session, principal, lead_id, body.note))
