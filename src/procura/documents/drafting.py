"""Drafting a formal document for a lead: the one entry point interfaces call.

Access control and the audit record belong to the caller's service layer
(procura.workflow / procura.access); this module only turns a lead and its
evidence into bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from procura import clock
from procura.documents.content import DocumentContent, compose
from procura.documents.kinds import DocumentError, get_kind, kind_for_measure
from procura.documents.pdf import PDF_MEDIA_TYPE, render_pdf
from procura.documents.word import DOCX_MEDIA_TYPE, render_docx
from procura.warehouse.evidence import EvidenceRow, read_evidence

FORMATS = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE}


@dataclass(frozen=True)
class RenderedDocument:
    """A finished document file."""

    filename: str
    media_type: str
    data: bytes
    content: DocumentContent


def render(content: DocumentContent, fmt: str, template_dirs: Sequence[Path] = ()) -> bytes:
    """``content`` as ``docx`` or ``pdf`` bytes."""
    if fmt == "docx":
        return render_docx(content, template_dirs)
    if fmt == "pdf":
        return render_pdf(content)
    raise DocumentError(f"unknown document format {fmt!r}; use docx or pdf")


def draft(
    lead: Any,
    warehouse: Path | duckdb.DuckDBPyConnection,
    *,
    kind: str | None = None,
    fmt: str = "docx",
    lang: str = "zh",
    issued_on: date | None = None,
    addressee: str | None = None,
    deadline: date | None = None,
    doc_no: str | None = None,
    model_basis: Sequence[str] = (),
    template_dirs: Sequence[Path] = (),
    findings: str = "",
    requested: str = "",
    rows: Sequence[EvidenceRow] | None = None,
) -> RenderedDocument:
    """A ``kind`` document (default: the one drafting the lead's measure) about ``lead``."""
    if fmt not in FORMATS:
        raise DocumentError(f"unknown document format {fmt!r}; use docx or pdf")
    doc_kind = get_kind(kind) if kind else kind_for_measure(lead.measure)
    rows = read_evidence(warehouse, lead.evidence) if rows is None else rows
    content = compose(
        lead,
        rows,
        doc_kind,
        lang=lang,
        issued_on=issued_on or clock.today(),
        addressee=addressee,
        deadline=deadline,
        doc_no=doc_no,
        model_basis=model_basis,
        findings=findings,
        requested=requested,
    )
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", str(lead.id))[:60]
    filename = f"{safe_id}-{doc_kind.id}-{lang}.{fmt}"
    return RenderedDocument(filename, FORMATS[fmt], render(content, fmt, template_dirs), content)
