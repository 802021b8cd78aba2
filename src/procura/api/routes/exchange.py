"""The exchange with agencies (API key in ``X-API-Key``), and the office side: agencies and keys
(admins), finalising documents, verifying replies, the reminder inbox."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from procura.access.principal import Principal
from procura.api.deps import CurrentPrincipal, SessionDep, SettingsDep, client_ip
from procura.api.schemas.common import ERRORS, OptionalRowId, RowId
from procura.documents.service import finalise, issued_documents
from procura.exchange import keys
from procura.exchange import service as exchange
from procura.workflow import matters, reminders

api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="协作单位 API 密钥 agency API key")
router = APIRouter(
    prefix="/exchange",
    tags=["exchange 数据交换"],
    responses={s: ERRORS[s] for s in (401, 403, 404, 409, 422)},
)
office_router = APIRouter(
    tags=["exchange 数据交换"], responses={s: ERRORS[s] for s in (401, 403, 404, 409, 422)}
)


def _agency(scope: str):  # type: ignore[no-untyped-def]
    def dependency(
        request: Request, session: SessionDep, key: Annotated[str | None, Depends(api_key)]
    ) -> Principal:
        return keys.authenticate_key(session, key or "", scope, client_ip(request))

    return Depends(dependency)


UploadAgency = Annotated[Principal, _agency("upload")]
ReadAgency = Annotated[Principal, _agency("measures")]
ReplyAgency = Annotated[Principal, _agency("reply")]


@router.post("/batches", status_code=201, summary="报送数据 Upload a batch (receipt)")
async def upload(
    session: SessionDep,
    settings: SettingsDep,
    principal: UploadAgency,
    table: Annotated[str, Form(description="标准表名 standard table")],
    file: Annotated[UploadFile, File(description="CSV/XLSX/JSONL/Parquet")],
) -> dict[str, Any]:
    """Load the file whole or not at all; the same file again returns the same receipt."""
    data = await file.read()
    batch = exchange.upload(session, settings, principal, table, file.filename or "upload", data)
    return exchange.receipt(batch)


@router.get("/batches/{batch_id}", summary="回执 Receipt of a batch")
def batch(batch_id: str, session: SessionDep, principal: UploadAgency) -> dict[str, Any]:
    """One of the agency's receipts."""
    return exchange.receipt(exchange.get_batch(session, principal, batch_id))


@router.get("/batches/{batch_id}/reasons.csv", summary="问题行 Row reasons as CSV")
def batch_reasons(batch_id: str, session: SessionDep, principal: UploadAgency) -> Response:
    """The per-row reasons of a batch, to fix and send again."""
    found = exchange.get_batch(session, principal, batch_id)
    return Response(
        exchange.reasons_csv(found).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="reasons.csv"'},
    )


@router.get("/documents", summary="收到的文书 Documents addressed to the agency")
def documents(session: SessionDep, principal: ReadAgency) -> list[dict[str, Any]]:
    """Finalised documents addressed to the agency, with deadlines and replies."""
    return exchange.documents(session, principal)


@router.get("/documents/{document_id}/pdf", summary="文书 PDF The document as sent")
def document_pdf(document_id: RowId, session: SessionDep, principal: ReadAgency) -> Response:
    """The finalised PDF, exactly as registered (its SHA-256 is in the listing)."""
    doc = exchange.document(session, principal, document_id)
    return Response(
        doc.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="document-{doc.id}.pdf"'},
    )


@router.post("/documents/{document_id}/replies", status_code=201, summary="回复 Reply with an attachment")
async def reply(
    document_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    principal: ReplyAgency,
    response_date: Annotated[date, Form(description="回复日期 date of the response")],
    correction: Annotated[str, Form(max_length=4000, description="整改情况 correction made")],
    attachment: Annotated[UploadFile, File(description="PDF/DOCX/PNG/JPEG")],
) -> dict[str, Any]:
    """A dated reply, the correction made and a checked attachment (size, type by its bytes, hash)."""
    data = await attachment.read(settings.exchange_max_attachment + 1)
    row = exchange.reply(
        session, settings, principal, document_id, response_date, correction, attachment.filename or "", data
    )
    return exchange.reply_view(row)


class AgencyIn(BaseModel):
    """A new agency."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=2, max_length=120)
    kind: str
    region_code: str = Field(pattern=r"^\d{6}$")
    tables: list[str] = []
    names: list[str] = []


class VerifyIn(BaseModel):
    """The handler's verdict on a reply."""

    rectified: bool
    reasons: str = Field(default="", max_length=4000)


@office_router.post("/agencies", status_code=201, summary="新增协作单位 Register an agency (admin)")
def add_agency(body: AgencyIn, session: SessionDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """An agency, the tables it may send and the names its documents are addressed by."""
    agency = keys.add_agency(
        session, principal, body.id, body.name, body.kind, body.region_code, body.tables, body.names
    )
    return {"id": agency.id, "name": agency.name, "names": agency.names, "tables": agency.tables}


@office_router.post(
    "/agencies/{agency_id}/keys", status_code=201, summary="签发密钥 Issue an API key (admin)"
)
def issue_key(agency_id: str, session: SessionDep, principal: CurrentPrincipal) -> dict[str, str]:
    """A new key, shown once."""
    return {"api_key": keys.issue_key(session, principal, agency_id)}


@office_router.delete("/api-keys/{prefix}", summary="吊销密钥 Revoke an API key (admin)")
def revoke_key(prefix: str, session: SessionDep, principal: CurrentPrincipal) -> dict[str, str]:
    """The key stops working at once."""
    row = keys.revoke_key(session, principal, prefix)
    return {"prefix": row.prefix, "revoked_at": str(row.revoked_at)}


@office_router.post(
    "/leads/{lead_id}/finalise", status_code=201, summary="定稿编号 Finalise the measure's documents"
)
def finalise_documents(
    lead_id: str,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    measure_id: OptionalRowId = None,
) -> list[dict[str, Any]]:
    """One document per addressee, each with the next number of the office's register."""
    docs = finalise(session, settings, principal, lead_id, measure_id)
    return [{"id": d.id, "doc_no": d.doc_no, "addressee": d.addressee, "kind": d.kind} for d in docs]


@office_router.get("/leads/{lead_id}/issued", summary="已发文书 Issued documents of a lead")
def issued(lead_id: str, session: SessionDep, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The register entries of the lead, with the agencies' replies."""
    docs = issued_documents(session, principal, lead_id)
    return [exchange.document_view(session, d) for d in docs]


@office_router.post("/replies/{reply_id}/verify", summary="核实回复 Verify an agency's reply")
def verify(
    reply_id: RowId, body: VerifyIn, session: SessionDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Rectified, or not rectified with reasons; records the response on the lead."""
    return exchange.reply_view(exchange.verify(session, principal, reply_id, body.rectified, body.reasons))


@office_router.get("/inbox", summary="提醒 Reminders (in-app inbox)")
def inbox(session: SessionDep, principal: CurrentPrincipal, unread: bool = False) -> list[dict[str, Any]]:
    """The principal's reminders about deadlines, newest first."""
    return reminders.inbox(session, principal, unread)


@office_router.post("/inbox/{notification_id}/read", summary="标为已读 Mark a reminder read")
def mark_read(notification_id: RowId, session: SessionDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Mark one of one's own reminders read."""
    return reminders.mark_read(session, principal, notification_id)


@office_router.get("/leads/{lead_id}/matter", summary="案件视图 The matter across prongs")
def lead_matter(lead_id: str, session: SessionDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """The lead, its linked leads in other prongs and (support of prosecution) the case's other victims,
    with measures and issued documents."""
    found = matters.matter(session, principal, lead_id)
    return {
        "root": found.root,
        "case_no": found.case_no,
        "prongs": found.prongs,
        "leads": found.leads,
        "hidden": found.hidden,
    }
