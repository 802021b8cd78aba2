"""Exporting a filtered queue: masked by default; in clear only with a stated purpose, audited.

In clear, a row shows the subject's name only where the principal may unmask
that lead (its handler and their heads, ``dossier.may_unmask``); other rows
stay masked and say so. Every export is written to the audit log with its
filters and counts.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.errors import InvalidInput
from procura.leads.orm import Lead
from procura.workflow.dossier import MIN_PURPOSE, may_unmask
from procura.workflow.queries import MAX_PAGE, LeadFilter, list_leads
from procura.workflow.scope import work_of

MAX_ROWS = 10_000
COLUMNS = (
    "id",
    "model_id",
    "prong",
    "department",
    "office",
    "region_code",
    "status",
    "score",
    "measure",
    "target",
    "subject",
    "handler",
    "created_at",
    "deadline",
    "overdue",
    "masked",
)


def export_queue(
    session: Session,
    principal: Principal,
    filters: LeadFilter,
    purpose: str | None = None,
    sort: str = "score",
) -> list[dict[str, Any]]:
    """The queue's rows (up to ``MAX_ROWS``), masked unless a purpose is given; audited."""
    if purpose is not None and len(purpose.strip()) < MIN_PURPOSE:
        raise InvalidInput(
            f"an export in clear needs a stated purpose (at least {MIN_PURPOSE} characters)",
            {"field": "purpose"},
        )
    rows: list[dict[str, Any]] = []
    while len(rows) < MAX_ROWS:
        page = list_leads(session, principal, filters, limit=MAX_PAGE, offset=len(rows), sort=sort)
        rows += [{**asdict(item), "masked": True} for item in page.items]
        if len(rows) >= page.total or not page.items:
            break
    clear = 0
    if purpose is not None:
        for row in rows:
            lead = session.get(Lead, row["id"])
            if lead is not None and may_unmask(principal, work_of(session, lead)):
                row["subject"], row["masked"] = str((lead.subject or {}).get("name") or ""), False
                clear += 1
    audit.record(
        session,
        principal,
        "leads.export",
        "queue",
        principal.office_id or "*",
        purpose=(purpose or "").strip(),
        details={
            "rows": len(rows),
            "in_clear": clear,
            "filters": {k: v for k, v in asdict(filters).items() if v is not None},
        },
    )
    return [{column: row.get(column) for column in COLUMNS} for row in rows]
