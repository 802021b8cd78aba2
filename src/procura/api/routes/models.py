"""The model catalogue, and feedback on each model from triage outcomes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from procura.api.deps import CurrentPrincipal, SessionDep
from procura.api.schemas.access import ModelPublic, ModelStatsPublic
from procura.api.schemas.common import ERRORS
from procura.errors import NotFound
from procura.models.loader import builtin_catalog
from procura.workflow.feedback import model_stats

router = APIRouter(
    prefix="/models", tags=["models 模型"], responses={s: ERRORS[s] for s in (401, 403, 404, 422)}
)


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


def _public(spec: Any) -> ModelPublic:
    data = spec.model_dump(
        mode="json", by_alias=True, exclude={"postprocess", "explanation", "anchor", "subject"}
    )
    return ModelPublic.model_validate(data)


@router.get("", response_model=list[ModelPublic], summary="模型目录 Model catalogue")
def catalogue(_: CurrentPrincipal) -> list[ModelPublic]:
    """What each model looks for, its prong, measure, legal basis, tables and parameters."""
    return [_public(model.spec) for _, model in sorted(builtin_catalog().models.items())]


@router.get("/{model_id}", response_model=ModelPublic, summary="模型 One model")
def one_model(model_id: str, _: CurrentPrincipal) -> ModelPublic:
    """One model of the catalogue."""
    model = builtin_catalog().models.get(model_id)
    if model is None:
        raise NotFound(f"模型不存在 model {model_id!r} is not in the catalogue")
    return _public(model.spec)
