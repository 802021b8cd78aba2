"""Agencies and their API keys: admins register agencies and issue, list and revoke keys.

A key is ``pk_<prefix>_<secret>``, shown once; the store keeps its SHA-256. A key
carries scopes (``upload``, ``measures``, ``reply``) and acts only for its
agency: its own uploads, the documents addressed to it, replies to those.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.policy import require_role
from procura.access.principal import Principal
from procura.clock import utcnow
from procura.errors import AuthenticationError, Forbidden, InvalidInput, NotFound, ProcuraError
from procura.exchange.orm import Agency, ApiKey
from procura.standard import standard

SCOPES = ("upload", "measures", "reply")
AGENCY_KINDS = ("police", "health", "market_regulation", "platform", "court", "administrative", "other")


def key_hash(key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def refuse(
    session: Session, principal: Principal | None, action: str, target: str, error: ProcuraError
) -> NoReturn:
    """Undo what the request did, audit the refusal, commit the audit entry, raise ``error``."""
    session.rollback()
    audit.record(
        session,
        principal,
        "exchange.refused",
        "exchange",
        target[:64],
        actor=principal.username if principal else "anonymous",
        details={"action": action, "code": error.code, "message": str(error)},
    )
    session.commit()
    raise error


def add_agency(
    session: Session,
    principal: Principal,
    agency_id: str,
    name: str,
    kind: str,
    region_code: str,
    tables: list[str],
    names: list[str] | None = None,
) -> Agency:
    """Register an agency (admins): the tables it may upload and the names documents address it by."""
    require_role(principal, ("admin",), "register agencies")
    if kind not in AGENCY_KINDS:
        raise InvalidInput(f"kind {kind!r}: one of {', '.join(AGENCY_KINDS)}", {"field": "kind"})
    unknown = sorted(set(tables) - set(standard()))
    if unknown:
        raise InvalidInput(f"unknown tables {', '.join(unknown)}", {"field": "tables"})
    if session.get(Agency, agency_id) is not None:
        raise InvalidInput(f"agency {agency_id!r} exists", {"field": "id"})
    agency = Agency(
        id=agency_id,
        name=name,
        kind=kind,
        region_code=region_code,
        names=[name, *[n for n in names or [] if n != name]],
        tables=sorted(set(tables)),
        active=True,
        created_at=utcnow(),
    )
    session.add(agency)
    session.flush()
    audit.record(session, principal, "agency.add", "agency", agency_id, details={"tables": agency.tables})
    return agency


def issue_key(session: Session, principal: Principal, agency_id: str, scopes: list[str] | None = None) -> str:
    """A new API key for an agency (admins); the key itself is returned once and never stored."""
    require_role(principal, ("admin",), "issue API keys")
    if session.get(Agency, agency_id) is None:
        raise NotFound(f"agency {agency_id!r} not found")
    scopes = list(scopes or SCOPES)
    if set(scopes) - set(SCOPES):
        raise InvalidInput(f"scopes: any of {', '.join(SCOPES)}", {"field": "scopes"})
    prefix = secrets.token_hex(4)
    key = f"pk_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        agency_id=agency_id,
        key_hash=key_hash(key),
        prefix=prefix,
        scopes=scopes,
        created_at=utcnow(),
        created_by=principal.user_id or None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "apikey.issue",
        "apikey",
        str(row.id),
        details={"agency": agency_id, "scopes": scopes},
    )
    return key


def revoke_key(session: Session, principal: Principal, prefix: str) -> ApiKey:
    """Revoke a key by its prefix (admins); it stops working at once."""
    require_role(principal, ("admin",), "revoke API keys")
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        raise NotFound(f"API key {prefix!r} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session, principal, "apikey.revoke", "apikey", str(row.id), details={"agency": row.agency_id}
        )
    return row


def list_keys(session: Session, principal: Principal, agency_id: str | None = None) -> list[ApiKey]:
    """API keys (never the keys themselves), optionally of one agency (admins)."""
    require_role(principal, ("admin",), "list API keys")
    query = select(ApiKey).order_by(ApiKey.id)
    if agency_id:
        query = query.where(ApiKey.agency_id == agency_id)
    return list(session.scalars(query))


def authenticate_key(session: Session, key: str, scope: str, ip: str = "") -> Principal:
    """The agency principal of a live key with ``scope``; a refused key is audited."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(key or "")))
    agency = session.get(Agency, row.agency_id) if row is not None else None
    if row is None or agency is None:
        refuse(session, None, scope, "unknown-key", AuthenticationError("API 密钥无效 unknown API key"))
    who = Principal(0, f"agency:{agency.id}", "", "", "agency", ip, agency.id)
    if row.revoked_at is not None or not agency.active:
        refuse(session, who, scope, agency.id, AuthenticationError("API 密钥已吊销 API key revoked"))
    if scope not in row.scopes:
        refuse(session, who, scope, agency.id, Forbidden(f"API 密钥无此权限 key lacks scope {scope!r}"))
    row.last_used_at = utcnow()
    return who
