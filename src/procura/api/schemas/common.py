"""Shapes shared by every route: the error body and a page of results."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
# The largest page offset a list accepts: beyond it no store has rows, and
# larger integers overflow the databases' 64-bit integers (a 500 before).
MAX_OFFSET = 1_000_000_000
# Row ids are SQLAlchemy ``Integer`` keys: 64-bit in SQLite but 32-bit (``integer``) on
# PostgreSQL, where a larger id raised "integer out of range" (a 500, found by the
# schemathesis run on PostgreSQL). Ids in paths and queries are bounded by the narrower store.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
OptionalRowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a readable message (Chinese and English), details."""

    code: str = Field(examples=["forbidden"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer has this body."""

    error: ErrorDetail


class PagePublic(BaseModel, Generic[T]):
    """One page of a list and the total number of items matching the filters."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Note(BaseModel):
    """A body with only a note (why the action is taken)."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=4000)


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "未登录或会话已过期 Not signed in or session expired",
        403: "无权操作 Not allowed for this role, department or office",
        404: "不存在或不在管辖范围 Not found or outside the jurisdiction",
        409: "状态不允许 Not allowed from the lead's current state",
        422: "请求无效 Invalid request",
    }.items()
}
