"""Sign-in, users, offices and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from procura.clock import as_utc

_ATTRS = ConfigDict(from_attributes=True)
# Stored times are UTC; SQLite hands them back naive, and a "date-time" needs its offset.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]


class LoginIn(BaseModel):
    """Username and password (never logged, never echoed back)."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class MePublic(BaseModel):
    """The signed-in user as the service layer sees them."""

    model_config = _ATTRS
    user_id: int
    username: str
    office_id: str
    department: str
    role: str


class TokenPublic(BaseModel):
    """An opaque session token: send it as ``Authorization: Bearer <token>``."""

    access_token: str
    token_type: str = "bearer"
    user: MePublic


class UserIn(BaseModel):
    """A new user of an office and department, with one role."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=256)
    office_id: str
    department: str
    role: str
    display_name: str = Field(default="", max_length=100)


class UserPatch(BaseModel):
    """Disable (ends every session) or re-enable a user."""

    model_config = ConfigDict(extra="forbid")
    active: StrictBool


class UserPublic(BaseModel):
    """A user without any secret."""

    model_config = _ATTRS
    id: int
    username: str
    display_name: str
    office_id: str
    department: str
    role: str
    active: bool
    created_at: UtcDatetime | None


class OfficePublic(BaseModel):
    """A procuratorate: region + level, and its parent office."""

    model_config = _ATTRS
    id: str
    region_code: str
    level: str
    name: str
    parent_id: str | None


class AuditEntryPublic(BaseModel):
    """One audit entry: who, what, when, why, from where, chained by hash."""

    model_config = _ATTRS
    seq: int
    at: UtcDatetime
    actor_id: int | None
    actor: str
    office_id: str | None
    action: str
    object_type: str
    object_id: str
    purpose: str
    ip: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditVerifyPublic(BaseModel):
    """The outcome of recomputing the hash chain."""

    model_config = _ATTRS
    entries: int
    ok: bool
    problems: list[str]
    first_bad_seq: int | None


class ModelStatsPublic(BaseModel):
    """Triage feedback of one (model, office, month) bucket."""

    model_id: str
    office: str
    month: str
    leads: int
    pending: int
    confirmed: int
    dismissed: int
    with_measure: int
    dismiss_reasons: dict[str, int]
    precision: float | None
    measure_rate: float | None


class ModelPublic(BaseModel):
    """A supervision model as the catalogue describes it."""

    id: str
    version: str
    title: dict[str, str]
    description: dict[str, str]
    prong: str
    measure: str
    target: dict[str, str]
    legal_basis: list[dict[str, str]]
    tables: list[str]
    parameters: dict[str, Any]
