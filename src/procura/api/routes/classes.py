"""Classes of leads (类案) and one measure for a class."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from procura.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from procura.api.schemas.common import ERRORS
from procura.classes.service import class_measure, class_response, get_class, list_classes

router = APIRouter(
    prefix="/classes", tags=["classes 类案监督"], responses={s: ERRORS[s] for s in (401, 403, 404, 409, 422)}
)


class ClassMeasureIn(BaseModel):
    kind: str = "procuratorial_suggestion"
    addressee: str | None = Field(default=None, max_length=200)
    requested: str = Field(default="", max_length=4000)
    deadline: date | None = None
    note: str = Field(default="", max_length=2000)


class ClassResponseIn(BaseModel):
    rectified: bool
    note: str = Field(default="", max_length=2000)


@router.get("", summary="类案列表 Lead classes")
def classes(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    model: str | None = None,
    by: Annotated[str, Query(pattern="^(body|region|point)$")] = "body",
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 2,
) -> list[dict[str, Any]]:
    """Leads of one model grouped by body, region or legal point, largest classes first."""
    return [c.to_dict() for c in list_classes(session, settings, principal, model, by, min_size)]


@router.get("/{cid}", summary="类案 A class and its members")
def one_class(
    cid: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return get_class(session, settings, principal, cid).to_dict()


@router.post("/{cid}/measure", summary="类案监督 One measure for the whole class")
def measure(
    cid: str, body: ClassMeasureIn, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    cls = class_measure(
        session, settings, principal, cid, body.kind, body.addressee, body.requested, body.deadline, body.note
    )
    return cls.to_dict()


@router.post("/{cid}/response", summary="类案回复 The response for the whole class")
def response(
    cid: str, body: ClassResponseIn, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return class_response(session, settings, principal, cid, body.rectified, body.note).to_dict()
