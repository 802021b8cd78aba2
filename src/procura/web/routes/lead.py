"""The lead page: explanation, legal basis, parameters, masked evidence (unmask with a purpose),
relationship graph, timeline, linked leads, the actions this user may take, documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from procura.access.principal import DEPARTMENTS, Principal
from procura.access.purposes import PURPOSES
from procura.api.deps import SessionDep, SettingsDep
from procura.config import Settings
from procura.documents.service import DocumentRequest, finalise, issued_documents, lead_document
from procura.errors import InvalidInput, NotFound
from procura.exchange import service as exchange
from procura.models.loader import builtin_catalog
from procura.web.render import render
from procura.web.session import FormDep, ViewerDep, purpose_of
from procura.workflow import dossier, service
from procura.workflow.graph import lead_graph
from procura.workflow.lifecycle import DISMISS_REASONS, MEASURES
from procura.workflow.options import lead_options
from procura.workflow.queries import get_lead, history
from procura.workflow.scope import load

router = APIRouter(include_in_schema=False)


def _text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


def _date(form: FormData, name: str) -> date | None:
    value = _text(form, name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(f"{name}: YYYY-MM-DD", {"field": name}) from None


def _disposition(name: str) -> str:
    """An attachment header for any file name: an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


Action = Callable[[Session, Settings, Principal, str, FormData], object]
# Each form of the lead page calls one service function, exactly as the API's routes do.
ACTIONS: dict[str, Action] = {
    "accept": lambda s, _, p, lead, f: service.triage(s, p, lead, "accept", None, _text(f, "note")),
    "dismiss": lambda s, _, p, lead, f: service.dismiss(s, p, lead, _text(f, "reason"), _text(f, "note")),
    "assign": lambda s, _, p, lead, f: service.assign(
        s, p, lead, _text(f, "handler"), None, _text(f, "note")
    ),
    "transfer": lambda s, _, p, lead, f: service.transfer(
        s, p, lead, _text(f, "department") or None, _text(f, "office") or None, _text(f, "note")
    ),
    "spawn": lambda s, _, p, lead, f: service.spawn(s, p, lead, _text(f, "department"), _text(f, "note")),
    "escalate": lambda s, _, p, lead, f: service.escalate(s, p, lead, _text(f, "note")),
    "designate": lambda s, _, p, lead, f: service.designate(
        s, p, lead, _text(f, "office"), _text(f, "department") or None, _text(f, "note")
    ),
    "act": lambda s, settings, p, lead, f: service.act(
        s,
        settings,
        p,
        lead,
        _text(f, "kind"),
        _text(f, "addressee") or None,
        _date(f, "deadline"),
        _text(f, "requested"),
        _text(f, "note"),
        _text(f, "findings"),
    ),
    "respond_rectified": lambda s, _, p, lead, f: service.respond(s, p, lead, True, _text(f, "note")),
    "respond_not_rectified": lambda s, _, p, lead, f: service.respond(s, p, lead, False, _text(f, "note")),
    "close": lambda s, _, p, lead, f: service.close(s, p, lead, _text(f, "note")),
}


def _page(
    request: Request,
    session: Session,
    settings: Settings,
    viewer: Any,
    lead_id: str,
    clear: dict[str, Any] | None = None,
) -> Response:
    p = viewer.principal
    detail = get_lead(session, p, lead_id)
    records = clear["records"] if clear else dossier.evidence_records(session, settings, p, lead_id)
    model = builtin_catalog().models.get(detail.summary.model_id)
    legal = dossier.legal_basis(load(session, p, lead_id)[0])
    timeline: list[dict[str, Any]] = sorted(
        [{"at": e.at, "kind": "action", "event": e.model_dump()} for e in history(session, p, lead_id)]
        + [{"at": m.issued_at, "kind": "measure", "measure": m.model_dump()} for m in detail.measures],
        key=lambda item: item["at"],
    )
    context = {
        "lead": detail,
        "subject": clear["subject"] if clear else detail.subject,
        "explanation": (clear or detail.model_dump())[
            "explanation_zh" if viewer.lang == "zh" else "explanation_en"
        ],
        "records": records,
        "clear": clear is not None,
        "spec": model.spec if model else None,
        "legal_basis": legal,
        "purposes": PURPOSES,
        "options": lead_options(session, p, lead_id),
        "timeline": timeline,
        "reasons": DISMISS_REASONS,
        "measures": MEASURES,
        "departments": DEPARTMENTS,
        "done": request.query_params.get("done"),
        "issued": issued_documents(session, p, lead_id),
        "replies": exchange.replies(session, p, lead_id),
    }
    return render(request, "lead.html", context)


@router.get("/leads/{lead_id}")
def lead_page(
    request: Request, lead_id: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """The lead, masked; reading it is audited (as ``GET /api/v1/leads/{id}``)."""
    return _page(request, session, settings, viewer, lead_id)


@router.post("/leads/{lead_id}/unmask")
def unmask(
    request: Request,
    lead_id: str,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    """The lead page in clear for a stated purpose (handler and their heads; audited)."""
    clear = dossier.unmask(session, settings, viewer.principal, lead_id, purpose_of(form))
    return _page(request, session, settings, viewer, lead_id, clear)


@router.post("/leads/{lead_id}/actions/{action}")
def take_action(
    lead_id: str, action: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Take one workflow action; the service checks who may, and the lifecycle whether now."""
    if action not in ACTIONS:
        raise NotFound(f"no action {action!r}")
    ACTIONS[action](session, settings, viewer.principal, lead_id, form)
    return RedirectResponse(f"/leads/{lead_id}?done={action}#actions", status_code=303)


@router.post("/leads/{lead_id}/finalise")
def finalise_documents(
    lead_id: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Issue the measure's documents with their register numbers (as ``POST /api/v1/leads/{id}/finalise``)."""
    raw = _text(form, "measure_id")
    finalise(session, settings, viewer.principal, lead_id, int(raw) if raw.isdigit() else None)
    return RedirectResponse(f"/leads/{lead_id}?done=finalise#documents", status_code=303)


@router.get("/leads/{lead_id}/replies/{reply_id}/attachment")
def reply_attachment(lead_id: str, reply_id: int, session: SessionDep, viewer: ViewerDep) -> Response:
    """The attachment an agency sent with its reply, as stored (its SHA-256 is on the page)."""
    row = exchange.reply_attachment(session, viewer.principal, lead_id, reply_id)
    return Response(
        row.attachment,
        media_type=row.attachment_type,
        headers={"Content-Disposition": _disposition(f"reply-{row.id}-{row.attachment_name}")},
    )


@router.get("/leads/{lead_id}/document")
def document(
    lead_id: str,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    kind: str = "auto",
    format: str = "docx",
    measure_id: int | None = None,
) -> Response:
    """Draft the lead's formal document (as ``GET /api/v1/leads/{id}/documents/{kind}``)."""
    if format not in ("docx", "pdf"):
        raise InvalidInput(f"format {format!r}: docx or pdf", {"field": "format"})
    request = DocumentRequest(None if kind == "auto" else kind, format, viewer.lang, measure_id)
    doc = lead_document(session, settings, viewer.principal, lead_id, request)
    return Response(
        doc.data,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )


@router.get("/leads/{lead_id}/graph")
def graph(
    lead_id: str, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, node: str | None = None
) -> JSONResponse:
    """The relationship graph's first view, or one more hop from ``node``."""
    return JSONResponse(asdict(lead_graph(session, settings, viewer.principal, lead_id, node)))
