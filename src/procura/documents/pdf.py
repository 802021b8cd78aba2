"""PDF rendering with fpdf2 and an embedded Noto Serif SC subset."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from procura.documents.content import DocumentContent

PDF_MEDIA_TYPE = "application/pdf"
FONT = "noto-serif-sc"
_LINE = 8.0


@cache
def font_path() -> Path:
    """The CJK font shipped by the pinned ``pylopdf-fonts-zh-cn`` package (SIL OFL)."""
    return Path(pylopdf_fonts_zh_cn.serif_path())


class _Document(FPDF):
    # Chinese breaks between any two characters; English between words.
    wrap = WrapMode.CHAR
    indent = "\u3000\u3000"

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=9)
        self.cell(0, 10, f"{self.page_no()}/{{nb}}", align=Align.C)


def _text(pdf: _Document, text: str, size: float = 12, align: Align = Align.J, indent: bool = False) -> None:
    pdf.set_font(FONT, size=size)
    if indent:
        text = pdf.indent + text
    pdf.multi_cell(
        0, _LINE * size / 12, text, align=align, wrapmode=pdf.wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def render_pdf(content: DocumentContent) -> bytes:
    """The document as PDF bytes, laid out like the standard DOCX template."""
    pdf = _Document(format="A4")
    if content.lang != "zh":
        pdf.wrap, pdf.indent = WrapMode.WORD, ""
    pdf.set_margins(28, 25, 26)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font(FONT, "", str(font_path()))
    pdf.set_title(content.title)
    pdf.set_creator("procura")
    pdf.add_page()
    _text(pdf, content.office_name, 16, Align.C)
    _text(pdf, content.title, 20, Align.C)
    pdf.ln(2)
    _text(pdf, content.doc_no, 12, Align.R)
    pdf.ln(2)
    _text(pdf, content.addressee + ("：" if content.lang == "zh" else ":"))
    _text(pdf, content.intro, indent=True)
    for key, items in (("facts", content.facts), ("basis", content.basis)):
        _text(pdf, content.headings[key], 13)
        for number, item in enumerate(items, start=1):
            _text(pdf, f"{number}. {item}", indent=True)
    _text(pdf, content.headings["request"], 13)
    _text(pdf, content.request, indent=True)
    _text(pdf, content.headings["deadline"], 13)
    _text(pdf, content.deadline, indent=True)
    _text(pdf, content.reply, indent=True)
    pdf.ln(6)
    _text(pdf, content.office_name, 12, Align.R)
    _text(pdf, content.issued_on, 12, Align.R)
    pdf.ln(4)
    _text(pdf, content.lead_ref, 8, Align.L)
    return bytes(pdf.output())
