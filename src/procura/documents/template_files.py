"""DOCX templates: where they are found, and how the shipped default is built.

A template is a Word file with Jinja tags (docxtpl). The renderer looks for
``<kind>.docx`` and then ``standard.docx`` first in the workspace's
``templates/`` folder (an office's own letterhead) and then in the package.
The shipped ``standard.docx`` is written by :func:`build_default`
(``python -m procura.documents.template_files``) so that it can be rebuilt and
reviewed as code; an office may instead edit a copy in Word.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from procura.documents.kinds import DocumentError
from procura.documents.typography import (
    BODY_FONT,
    BODY_PT,
    LINE_MM,
    MARGINS_MM,
    PAGE_MM,
    TITLE_FONT,
    TITLE_PT,
)

DEFAULT_NAME = "standard.docx"


def package_dir() -> Path:
    """The folder of the shipped templates."""
    return Path(str(resources.files("procura.documents") / "templates"))


def find_template(kind: str, search: Sequence[Path] = ()) -> Path:
    """The template for ``kind``: a kind-specific file before the standard one, workspace before package."""
    folders = [*search, package_dir()]
    for name in (f"{kind}.docx", DEFAULT_NAME):
        for folder in folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    raise DocumentError(f"no DOCX template for {kind!r} in {', '.join(str(f) for f in folders)}")


def _paragraph(  # type: ignore[no-untyped-def]
    doc,
    text: str,
    size: float = BODY_PT,
    align=None,
    indent: bool = False,
    keep: bool = False,
    font: str = BODY_FONT,
):
    para = doc.add_paragraph()
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.font.name = font
    run.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    fmt = para.paragraph_format
    if align is not None:
        para.alignment = align
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    fmt.keep_with_next = keep
    fmt.widow_control = True
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Mm(LINE_MM) if size <= BODY_PT else Mm(LINE_MM * size / BODY_PT)
    return para


def build_default(path: Path) -> Path:
    """Write the standard template to ``path``: A4 after GB/T 9704, title, number, addressee, four sections.

    Headings keep with the next paragraph, so Word never strands one at a page end;
    East Asian line breaking (避头尾) is Word's own for Chinese text.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    center, right, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _paragraph(doc, "{%p if draft_mark %}")
    _paragraph(doc, "{{ draft_mark }}", BODY_PT, right)
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{{ office_name }}", TITLE_PT, center, keep=True, font=TITLE_FONT)
    _paragraph(doc, "{{ title }}", TITLE_PT, center, keep=True, font=TITLE_FONT)
    _paragraph(doc, "{{ doc_no }}", BODY_PT, right, keep=True)
    _paragraph(doc, "{{ salutation }}", BODY_PT, left, keep=True)
    _paragraph(doc, "{{ intro }}", BODY_PT, justify, indent=True)
    for section_key, items in (("facts", "facts"), ("basis", "basis")):
        _paragraph(doc, "{{ headings." + section_key + " }}", BODY_PT, left, indent=True, keep=True)
        _paragraph(doc, "{%p for item in " + items + " %}")
        _paragraph(doc, "{{ loop.index }}. {{ item }}", BODY_PT, justify, indent=True)
        _paragraph(doc, "{%p endfor %}")
    _paragraph(doc, "{{ headings.request }}", BODY_PT, left, indent=True, keep=True)
    _paragraph(doc, "{%p for line in opinion %}")
    _paragraph(doc, "{{ line }}", BODY_PT, justify, indent=True)
    _paragraph(doc, "{%p endfor %}")
    _paragraph(doc, "{{ headings.deadline }}", BODY_PT, left, indent=True, keep=True)
    _paragraph(doc, "{{ deadline }}", BODY_PT, justify, indent=True)
    _paragraph(doc, "{{ reply }}", BODY_PT, justify, indent=True, keep=True)
    _paragraph(doc, "", BODY_PT, keep=True)
    _paragraph(doc, "{{ office_name }}", BODY_PT, right, keep=True)
    _paragraph(doc, "{{ issued_on }}", BODY_PT, right)
    _paragraph(doc, "{%p if draft_mark %}")
    _paragraph(doc, "{{ draft_mark }} · {{ lead_ref }}", 10, left)
    _paragraph(doc, "{%p endif %}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build_default(package_dir() / DEFAULT_NAME))
