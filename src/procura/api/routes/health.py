"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from procura import __version__
from procura.api.deps import SessionDep
from procura.migrations import current_revision, head_revision

router = APIRouter(tags=["health 健康检查"])


class HealthPublic(BaseModel):
    """Whether the API and its operational database answer."""

    status: str
    version: str
    database: str
    schema_revision: str | None
    schema_current: bool


@router.get("/health", response_model=HealthPublic, summary="健康检查 Health")
def health(session: SessionDep) -> HealthPublic:
    """The API answers and the operational database is reachable and migrated."""
    revision = current_revision(session.get_bind().engine)  # type: ignore[union-attr]
    return HealthPublic(
        status="ok",
        version=__version__,
        database=session.get_bind().dialect.name,
        schema_revision=revision,
        schema_current=revision == head_revision(),
    )
