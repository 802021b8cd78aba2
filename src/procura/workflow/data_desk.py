"""The data desk: ingest batches, the quarantine and the entity review queue, for analysts and
admins. Values shown are masked (identity numbers, phones); reads and judgements are audited."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.masking import mask_text
from procura.access.policy import require_role
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import InvalidInput

DATA_ROLES = ("analyst", "admin")


def warehouse_status(settings: Settings, principal: Principal, recent: int = 50) -> dict[str, Any]:
    """Tables, batches (read / stored / updated / quarantined per file) and quarantine by reason."""
    require_role(principal, DATA_ROLES, "read the warehouse status")
    from procura.ingest.status import status

    if not settings.warehouse_path.exists():
        return {
            "tables": [],
            "batches": {"total": 0, "committed": 0, "rejected": 0, "recent": []},
            "quarantine": [],
            "row_history": 0,
        }
    return status(settings, recent)


def quarantine(
    session: Session, settings: Settings, principal: Principal, table: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Quarantined rows with file, row, field and reason; the bad value masked; the read audited."""
    require_role(principal, DATA_ROLES, "read the quarantine")
    if not settings.warehouse_path.exists():
        return []
    from procura.ingest.quarantine import list_entries

    entries = list_entries(settings, table=table or None, limit=limit)
    audit.record(
        session, principal, "quarantine.read", "quarantine", table or "*", details={"rows": len(entries)}
    )
    for entry in entries:
        entry["value"] = mask_text(None if entry["value"] is None else str(entry["value"]))
    return entries


def review_pairs(
    session: Session, settings: Settings, principal: Principal, limit: int = 30
) -> list[dict[str, Any]]:
    """Pairs of mentions the linker is unsure about, identity numbers and phones masked."""
    require_role(principal, DATA_ROLES, "review entity links")
    if not settings.warehouse_path.exists():
        return []
    from procura.link.review import uncertain_pairs
    from procura.link.service import open_warehouse

    con = open_warehouse(settings)
    try:
        pairs = uncertain_pairs(con, settings.link_review_low, settings.link_review_high, limit, unmask=False)
    finally:
        con.close()
    audit.record(session, principal, "link.review_read", "link", "*", details={"pairs": len(pairs)})
    return [
        {
            "left": {**asdict(p.left), "ref": str(p.left.ref)},
            "right": {**asdict(p.right), "ref": str(p.right.ref)},
            "probability": p.probability,
        }
        for p in pairs
    ]


def judge(
    session: Session, settings: Settings, principal: Principal, left: str, right: str, decision: str
) -> None:
    """Record a reviewer's judgement (same / different / unsure) on a pair; applies at the next link run."""
    require_role(principal, DATA_ROLES, "judge entity links")
    from procura.link.judgements import JudgementError, MentionRef, record
    from procura.link.service import open_warehouse

    con = open_warehouse(settings)
    try:
        record(con, MentionRef.parse(left), MentionRef.parse(right), decision, principal.username)
    except JudgementError as exc:
        raise InvalidInput(str(exc), {"field": "decision"}) from exc
    finally:
        con.close()
    audit.record(session, principal, "link.judge", "link", f"{left}~{right}", details={"decision": decision})
