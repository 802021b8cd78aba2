"""Formal documents (检察建议书, 通知书, 支持起诉书) drafted from a lead's evidence, as DOCX and PDF."""

from procura.documents.content import DocumentContent, compose
from procura.documents.drafting import FORMATS, RenderedDocument, draft, render
from procura.documents.kinds import DocumentError, DocumentKind, all_kinds, get_kind, kind_for_measure

__all__ = [
    "FORMATS",
    "DocumentContent",
    "DocumentError",
    "DocumentKind",
    "RenderedDocument",
    "all_kinds",
    "compose",
    "draft",
    "get_kind",
    "kind_for_measure",
    "render",
]
