"""A lead's dossier: evidence records, unmasking, the evidence bundle and formal documents."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Response

from procura.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from procura.api.schemas.common import ERRORS, OptionalRowId
from procura.api.schemas.leads import DocumentKindPublic, UnmaskIn
from procura.documents.kinds import all_kinds
from procura.documents.service import DocumentRequest, lead_document
from procura.workflow import dossier

kinds_router = APIRouter(tags=["dossier 卷宗与文书"], responses={401: ERRORS[401]})
router = APIRouter(
    prefix="/leads/{lead_id}",
    tags=["dossier 卷宗与文书"],
    responses={s: ERRORS[s] for s in (401, 403, 404, 422)},
)


@router.get("/evidence", summary="证据记录 Evidence records (masked)")
def evidence(
    lead_id: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    """Each cited warehouse record with its row, sensitive fields masked; the read is audited."""
    return dossier.evidence_records(session, settings, principal, lead_id)


@router.post("/unmask", summary="查看敏感信息 Unmask (stated purpose)")
def unmask(
    lead_id: str, body: UnmaskIn, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Subject, explanation and records in clear: the lead's handler and their heads only, audited."""
    return dossier.unmask(session, settings, principal, lead_id, body.purpose)


@router.get("/bundle", summary="证据包 Evidence bundle, masked (one JSON file)")
def bundle(lead_id: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal) -> Response:
    """Records, explanation, legal basis, measures and history as one downloadable file, masked."""
    return _bundle_file(lead_id, dossier.bundle(session, settings, principal, lead_id, None))


@router.post("/bundle", summary="证据包（不遮蔽）Evidence bundle in clear, for a stated purpose")
def bundle_in_clear(
    lead_id: str, body: UnmaskIn, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> Response:
    """The bundle in clear: unmasking rules apply; the purpose is audited and never put in a URL."""
    return _bundle_file(lead_id, dossier.bundle(session, settings, principal, lead_id, body.purpose))


def _bundle_file(lead_id: str, content: dict[str, Any]) -> Response:
    body = json.dumps(content, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{_safe(lead_id)}-bundle.json"'},
    )


@router.get(
    "/documents/{kind}",
    summary="文书下载 Formal document (DOCX/PDF)",
    responses={
        409: ERRORS[409],  # the lead is not accepted, or has no measure to draft
        200: {
            "content": {
                "application/pdf": {},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
            }
        },
    },
)
def document(
    lead_id: str,
    kind: str,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    format: Literal["docx", "pdf"] = "docx",
    lang: Literal["zh", "en"] = "zh",
    measure_id: OptionalRowId = None,
) -> Response:
    """Draft ``kind`` (``auto``: the one for the lead's measure) from the lead's evidence, minimised."""
    request = DocumentRequest(
        kind=None if kind == "auto" else kind, fmt=format, lang=lang, measure_id=measure_id
    )
    doc = lead_document(session, settings, principal, lead_id, request)
    return Response(
        doc.data,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )


def _safe(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in value)[:60]


@kinds_router.get(
    "/documents/kinds", response_model=list[DocumentKindPublic], summary="文书种类 Document kinds"
)
def document_kinds(_: CurrentPrincipal) -> list[DocumentKindPublic]:
    """Every kind of formal document: title, the measures it drafts, its default reply deadline."""
    return [
        DocumentKindPublic(
            id=kind.id,
            title=kind.title,
            measures=list(kind.measures),
            deadline_days=kind.deadline_days,
            deadline_months=kind.deadline_months,
        )
        for kind in all_kinds().values()
    ]
