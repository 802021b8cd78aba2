"""The lead queue: filters, sort, pages, counts, bulk triage of a selection, masked export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from procura.access.purposes import PURPOSES
from procura.api.deps import SessionDep
from procura.errors import InvalidInput
from procura.models.loader import builtin_catalog
from procura.web.render import render
from procura.web.session import FormDep, ViewerDep, purpose_of
from procura.workflow import service
from procura.workflow.exports import EXPORTERS, export_leads
from procura.workflow.lifecycle import DISMISS_REASONS, STATES
from procura.workflow.queries import SEVERITY, SORTS, STAGES, LeadFilter, list_leads

router = APIRouter(include_in_schema=False)
PAGE_SIZES = (25, 50, 100)
FILTERS = ("model", "prong", "status", "region", "severity", "overdue", "handler", "month", "stage")


def _filters(params: Mapping[str, Any]) -> LeadFilter:
    """The queue filters of a query string or form; empty fields do not filter."""
    given: dict[str, Any] = {name: str(params.get(name) or "").strip() or None for name in FILTERS}
    overdue = given.pop("overdue")
    return LeadFilter(**given, overdue=None if overdue is None else overdue in ("1", "true", "yes"))


def _query(filters: LeadFilter, **extra: Any) -> str:
    values = {name: getattr(filters, name) for name in FILTERS if getattr(filters, name) is not None}
    if filters.overdue is not None:
        values["overdue"] = "1" if filters.overdue else "0"
    return urlencode({**values, **{k: v for k, v in extra.items() if v not in (None, "")}})


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        raise InvalidInput(f"not a number: {value!r}", {"field": "limit"}) from None


@router.get("/leads")
def queue(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The leads of the viewer's jurisdiction that match the filters."""
    params = request.query_params
    filters = _filters(params)
    sort = params.get("sort") or "score"
    limit = _int(params.get("limit"), PAGE_SIZES[1])
    if limit not in PAGE_SIZES:
        raise InvalidInput(f"page size {limit}", {"field": "limit"})
    page_no = max(1, _int(params.get("page"), 1))
    page = list_leads(
        session, viewer.principal, filters, limit=limit, offset=(page_no - 1) * limit, sort=sort
    )
    pages = max(1, -(-page.total // limit))
    context = {
        "page": page,
        "page_no": page_no,
        "pages": pages,
        "filters": filters,
        "sort": sort,
        "limit": limit,
        "query": _query(
            filters, sort=sort if sort != "score" else None, limit=limit if limit != 50 else None
        ),
        "filter_query": _query(filters),
        "models": sorted(builtin_catalog().models),
        "states": STATES,
        "severities": tuple(SEVERITY),
        "sorts": tuple(SORTS),
        "stages": STAGES[1:],
        "page_sizes": PAGE_SIZES,
        "reasons": DISMISS_REASONS,
        "done": params.get("done"),
        "may_export": viewer.principal.role in EXPORTERS,
        "purposes": PURPOSES,
    }
    return render(request, "queue.html", context)


@router.post("/leads/triage")
def bulk_triage(session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    """Accept or dismiss every selected lead, all or none (one transaction)."""
    selected = [str(v) for v in form.getlist("lead_id")]
    if not selected:
        raise InvalidInput("select at least one lead", {"field": "lead_id"})
    decision = str(form.get("decision") or "")
    reason = str(form.get("reason") or "") or None
    note = str(form.get("note") or "")
    for lead_id in selected:
        service.triage(session, viewer.principal, lead_id, decision, reason, note)
    back = str(form.get("back") or "")
    done = f"{decision}:{len(selected)}"
    return RedirectResponse(f"/leads?{back}&done={done}" if back else f"/leads?done={done}", status_code=303)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict | list) else value


def _csv(rows: list[dict[str, Any]], filename: str) -> Response:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return Response(
        "\ufeff" + buffer.getvalue(),  # a BOM, so that spreadsheet programs read the Chinese correctly
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/leads/export")
def export_masked(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The filtered leads as CSV in the export format, personal data masked (analysts; audited)."""
    return _csv(export_leads(session, viewer.principal, _filters(request.query_params)), "leads-masked.csv")


@router.post("/leads/export")
def export_in_clear(session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    """The same in clear, for a stated purpose (analysts; audited; the purpose never in a URL)."""
    rows = export_leads(session, viewer.principal, _filters(form), purpose_of(form))
    return _csv(rows, "leads.csv")
