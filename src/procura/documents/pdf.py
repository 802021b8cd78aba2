"""PDF rendering with fpdf2 and an embedded Noto Serif SC subset, laid out after GB/T 9704.

Chinese paragraphs are broken by :mod:`procura.documents.typography` (no line
starts with a closing mark) and justified by spreading the characters; a
heading moves to the next page with the first lines of its section.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from procura.documents.content import DocumentContent
from procura.documents.typography import BODY_PT, LINE_MM, MARGINS_MM, TITLE_PT, break_lines

PDF_MEDIA_TYPE = "application/pdf"
FONT = "noto-serif-sc"
_PT_MM = 25.4 / 72


@cache
def font_path() -> Path:
    """The CJK font shipped by the pinned ``pylopdf-fonts-zh-cn`` package (SIL OFL)."""
    return Path(pylopdf_fonts_zh_cn.serif_path())


class _Document(FPDF):
    zh = True
    draft_mark = ""

    def header(self) -> None:
        if self.draft_mark:
            self.set_font(FONT, size=BODY_PT)
            self.set_text_color(200, 0, 0)
            self.set_xy(self.l_margin, 18)
            self.cell(0, 10, self.draft_mark, align=Align.R)
            self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        # GB/T 9704 page number: 4号 (14 pt) Arabic numeral between dashes, below the type area.
        self.set_y(-MARGINS_MM["bottom"] + 7)
        self.set_font(FONT, size=14)
        self.cell(0, 7, f"— {self.page_no()} —", align=Align.C)


def _paragraph(
    pdf: _Document, text: str, size: float = BODY_PT, align: Align = Align.J, indent: bool = False
) -> None:
    """One paragraph at ``size`` pt on the document's line grid."""
    pdf.set_font(FONT, size=size)
    height = LINE_MM * max(1.0, size / BODY_PT)
    if not pdf.zh:
        pdf.multi_cell(
            0, height, text, align=align, wrapmode=WrapMode.WORD, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        return
    if indent:
        text = "\u3000\u3000" + text
    width = pdf.epw
    lines = break_lines(text, width, pdf.get_string_width)
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        spread = 0.0
        pdf.set_char_spacing(0)
        if align == Align.J and not last and len(line) > 1:
            spread = (width - pdf.get_string_width(line)) / (len(line) - 1)
        pdf.set_char_spacing(spread / _PT_MM if spread > 0 else 0)
        line_align = Align.L if align == Align.J else align
        pdf.cell(0, height, line, align=line_align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_char_spacing(0)


def _keep_with_next(pdf: _Document, lines: int = 3) -> None:
    """Start a new page unless a heading and two lines after it still fit (keep-with-next)."""
    if pdf.get_y() + lines * LINE_MM > pdf.page_break_trigger:
        pdf.add_page()


def render_pdf(content: DocumentContent) -> bytes:
    """The document as A4 PDF bytes, laid out like the standard DOCX template."""
    pdf = _Document(format="A4")
    pdf.zh = content.lang == "zh"
    pdf.draft_mark = content.draft_mark
    pdf.set_margins(MARGINS_MM["left"], MARGINS_MM["top"], MARGINS_MM["right"])
    pdf.set_auto_page_break(True, margin=MARGINS_MM["bottom"])
    pdf.add_font(FONT, "", str(font_path()))
    pdf.set_title(content.title)
    pdf.set_creator("procura")
    pdf.add_page()
    _paragraph(pdf, content.office_name, TITLE_PT, Align.C)
    _paragraph(pdf, content.title, TITLE_PT, Align.C)
    _paragraph(pdf, content.doc_no, BODY_PT, Align.R)
    _paragraph(pdf, content.addressee + ("：" if pdf.zh else ":"), align=Align.L)
    _paragraph(pdf, content.intro, indent=True)
    for key, items in (("facts", content.facts), ("basis", content.basis)):
        _keep_with_next(pdf)
        _paragraph(pdf, content.headings[key], indent=True)
        for number, item in enumerate(items, start=1):
            _paragraph(pdf, f"{number}. {item}", indent=True)
    _keep_with_next(pdf)
    _paragraph(pdf, content.headings["request"], indent=True)
    for line in content.opinion:
        _paragraph(pdf, line, indent=True)
    _keep_with_next(pdf)
    _paragraph(pdf, content.headings["deadline"], indent=True)
    _paragraph(pdf, content.deadline, indent=True)
    _paragraph(pdf, content.reply, indent=True)
    # Signature block: kept together with at least one line before it on the same page.
    _keep_with_next(pdf, 3)
    pdf.ln(LINE_MM)
    _paragraph(pdf, content.office_name, BODY_PT, Align.R)
    _paragraph(pdf, content.issued_on, BODY_PT, Align.R)
    if content.draft_mark:
        _paragraph(pdf, f"{content.draft_mark} · {content.lead_ref}", 10, Align.L)
    return bytes(pdf.output())
