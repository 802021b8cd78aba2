"""The append-only audit log, chained by keyed hashes (HMAC-SHA256, ADR 0562).

Each entry's hash covers its own content, the id of the key that signed it and
the previous entry's hash, under a secret key kept outside the database
(``procura.access.audit_keys``). A one-row head records the last sequence
number and hash, and every commit appends the head to a file outside the
database. ``verify`` recomputes the chain and names the first entry that was
edited, deleted, cut off, re-signed without the key or swapped with another
database. On the database, triggers (see the migrations) refuse UPDATE and DELETE.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from procura.access.audit_keys import keyring_of, pending_head, read_heads, sign
from procura.access.orm import AuditEntry, AuditHead, OfficeClosure
from procura.access.policy import require_role
from procura.access.principal import Principal
from procura.clock import stamp, utcnow

GENESIS = "0" * 64


def _digest(entry: AuditEntry, key: bytes) -> str:
    content = {
        "key_id": entry.key_id,
        "seq": entry.seq,
        "at": stamp(entry.at),
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "office_id": entry.office_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "purpose": entry.purpose,
        "ip": entry.ip,
        "details": entry.details,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return sign(key, entry.prev_hash + text)


def record(
    session: Session,
    principal: Principal | None,
    action: str,
    object_type: str,
    object_id: str,
    *,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    actor: str | None = None,
    ip: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry (who, what, when, why, from where) in the caller's transaction."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    key_id, key = keyring_of(session).current
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=at or utcnow(),
        actor_id=principal.user_id if principal else None,
        actor=actor or (principal.username if principal else "anonymous"),
        office_id=principal.office_id if principal and principal.office_id else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
        ip=ip if ip is not None else (principal.ip if principal else ""),
        details=json.loads(json.dumps(details or {}, default=str)),
        prev_hash=head.hash,
        hash="",
        key_id=key_id,
    )
    entry.hash = _digest(entry, key)
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    pending_head(session, entry.seq, entry.hash)
    session.flush()
    return entry


_AT_COMMIT = "audit_at_commit"


def record_at_commit(
    session: Session,
    principal: Principal | None,
    action: str,
    object_type: str,
    object_id: str,
    *,
    purpose: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry when the caller's transaction commits, in that transaction (ADR 0566).

    For reads, whose entry nothing else in the transaction needs: the chain's
    head row is locked only inside ``commit`` (lock, insert, commit in one
    go), not from the read until the response is built, so concurrent reads
    do not queue behind each other's page rendering. The entry is written
    with the transaction or not at all, exactly as with ``record``: a rolled
    back transaction leaves no entry (and sent no page). Its time is the
    moment of the read.
    """
    pending = session.info.setdefault(_AT_COMMIT, [])
    pending.append(
        {
            "principal": principal,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "purpose": purpose,
            "details": details,
            "at": utcnow(),
        }
    )


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    pending = session.info.pop(_AT_COMMIT, None)
    for entry in pending or ():
        principal = entry.pop("principal")
        action, object_type, object_id = entry.pop("action"), entry.pop("object_type"), entry.pop("object_id")
        record(session, principal, action, object_type, object_id, **entry)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous: Any) -> None:
    if not getattr(previous, "nested", False):  # a rolled back savepoint keeps the outer reads
        session.info.pop(_AT_COMMIT, None)


@dataclass
class VerifyReport:
    """The outcome of checking the chain: ``ok`` and, if not, what broke where."""

    entries: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None


def verify(session: Session) -> VerifyReport:
    """Recompute the whole chain; report every broken link, edited entry or missing seq."""
    problems: list[str] = []
    first_bad: int | None = None
    prev_hash, expected_seq, count = GENESIS, 1, 0
    ring = keyring_of(session)
    heads = read_heads(ring.head_file)

    def bad(seq: int, message: str) -> None:
        nonlocal first_bad
        problems.append(message)
        first_bad = seq if first_bad is None else min(first_bad, seq)

    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        count += 1
        if entry.seq != expected_seq:
            missing = (
                f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}-{entry.seq - 1}"
            )
            bad(expected_seq, f"entry {missing} missing (deleted): sequence jumps to {entry.seq}")
        elif entry.prev_hash != prev_hash:
            bad(entry.seq, f"entry {entry.seq}: link to previous entry broken")
        key = ring.keys.get(entry.key_id or "")
        if key is None:
            bad(entry.seq, f"entry {entry.seq}: signed with an unknown key {entry.key_id!r} (not ours)")
        elif _digest(entry, key) != entry.hash:
            bad(
                entry.seq,
                f"entry {entry.seq} ({entry.action} {entry.object_type} {entry.object_id}): "
                "content does not match its hash (edited)",
            )
        if heads.get(entry.seq, {entry.hash}) != {entry.hash}:
            swapped = "differs from the head written at its commit (database swapped)"
            bad(entry.seq, f"entry {entry.seq}: {swapped}")
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        if head.seq > last_seq:
            bad(last_seq + 1, f"entries {last_seq + 1}-{head.seq} missing (deleted from the end)")
        else:
            bad(head.seq, f"chain head (seq {head.seq}) does not match the last entry (seq {last_seq})")
    elif head is None and count:
        bad(1, "chain head missing")
    written = max(heads, default=0)
    if written > last_seq:
        bad(last_seq + 1, f"entries {last_seq + 1}-{written} missing: the head file recorded seq {written}")
    return VerifyReport(entries=count, ok=not problems, problems=problems, first_bad_seq=first_bad)


def list_entries(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    within: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Entries newest first with filters, and the total matching.

    ``within``: only entries made in that office's jurisdiction (and anonymous
    ones, e.g. failed sign-ins with unknown names).
    """
    query = select(AuditEntry)
    if within:
        offices = select(OfficeClosure.descendant_id).where(OfficeClosure.ancestor_id == within)
        query = query.where(or_(AuditEntry.office_id.in_(offices), AuditEntry.office_id.is_(None)))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset))
    return list(rows), int(total)


AUDIT_READERS = ("auditor",)
AUDIT_VERIFIERS = ("auditor", "admin")


def search(
    session: Session,
    principal: Principal,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """``list_entries`` for an auditor, within their office's jurisdiction (Forbidden for other roles)."""
    require_role(principal, AUDIT_READERS, "read the audit log")
    return list_entries(
        session,
        actor=actor,
        action=action,
        object_id=object_id,
        since=since,
        within=None if principal.role == "system" else principal.office_id,
        limit=limit,
        offset=offset,
    )


def check(session: Session, principal: Principal) -> VerifyReport:
    """``verify`` for an auditor or administrator; the check itself is audited."""
    require_role(principal, AUDIT_VERIFIERS, "verify the audit log")
    report = verify(session)
    record(
        session,
        principal,
        "audit.verify",
        "audit",
        "log",
        details={"entries": report.entries, "ok": report.ok, "first_bad_seq": report.first_bad_seq},
    )
    return report
