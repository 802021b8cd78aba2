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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from procura.documents.kinds import DocumentError

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


def _paragraph(doc, text: str, size: int = 14, align=None, bold: bool = False, indent: bool = False):  # type: ignore[no-untyped-def]
    para = doc.add_paragraph()
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    return para


def build_default(path: Path) -> Path:
    """Write the standard template to ``path``: letterhead, title, number, addressee, four sections."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "FangSong"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(doc, "{{ office_name }}", 18, center, bold=True)
    _paragraph(doc, "{{ title }}", 22, center, bold=True)
    _paragraph(doc, "{{ doc_no }}", 14, right)
    _paragraph(doc, "{{ salutation }}", 14)
    _paragraph(doc, "{{ intro }}", 14, indent=True)
    for section, items in (("facts", "facts"), ("basis", "basis")):
        _paragraph(doc, "{{ headings." + section + " }}", 14, bold=True)
        _paragraph(doc, "{%p for item in " + items + " %}")
        _paragraph(doc, "{{ loop.index }}. {{ item }}", 14, indent=True)
        _paragraph(doc, "{%p endfor %}")
    _paragraph(doc, "{{ headings.request }}", 14, bold=True)
    _paragraph(doc, "{{ request }}", 14, indent=True)
    _paragraph(doc, "{{ headings.deadline }}", 14, bold=True)
    _paragraph(doc, "{{ deadline }}", 14, indent=True)
    _paragraph(doc, "{{ reply }}", 14, indent=True)
    _paragraph(doc, "{{ office_name }}", 14, right)
    _paragraph(doc, "{{ issued_on }}", 14, right)
    _paragraph(doc, "{{ lead_ref }}", 9)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build_default(package_dir() / DEFAULT_NAME))
