"""Feedback on supervision models from triage outcomes."""

from __future__ import annotations

from fastapi import APIRouter

from procura.api.deps import CurrentPrincipal, SessionDep
from procura.api.schemas.access import ModelStatsPublic
from procura.api.schemas.common import ERRORS
from procura.workflow.feedback import model_stats

router = APIRouter(prefix="/models", tags=["models 模型"], responses={s: ERRORS[s] for s in (401, 403, 422)})


@router.get(
    "/stats", response_model=list[ModelStatsPublic], summary="模型成效 Model precision and measure rate"
)
def stats(
    session: SessionDep,
    principal: CurrentPrincipal,
    model: str | None = None,
    by_office: bool = True,
    by_month: bool = True,
) -> list[ModelStatsPublic]:
    """Per model (and office, month): leads, triage outcomes, precision and lead-to-measure rate."""
    return [
        ModelStatsPublic.model_validate(item.as_dict())
        for item in model_stats(session, principal, model, by_office=by_office, by_month=by_month)
    ]
