"""DOCX rendering with docxtpl, autoescaping on."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from procura.documents.content import DocumentContent
from procura.documents.template_files import find_template

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render_docx(content: DocumentContent, template_dirs: Sequence[Path] = ()) -> bytes:
    """The document as DOCX bytes.

    Values are escaped for XML by Jinja's autoescape, so ``<`` or ``&`` in the
    evidence stays text; values are never parsed as template code, so ``{{ }}``
    in the evidence stays text too. The sandbox keeps an office's own template
    from reaching Python internals; a tag naming a missing value is an error.
    """
    template = DocxTemplate(str(find_template(content.kind, template_dirs)))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    context = content.context()
    context["salutation"] = content.addressee + ("：" if content.lang == "zh" else ":")
    template.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
