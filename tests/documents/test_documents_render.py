"""Rendering: every kind in both languages, hostile evidence, no leaks."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import docx
import pypdf
import pytest

from procura.documents import DocumentError, all_kinds, draft, get_kind
from procura.documents.template_files import find_template

KINDS = (
    "procuratorial_suggestion",
    "case_filing_notice",
    "filing_order",
    "pre_litigation_notice",
    "pre_litigation_announcement",
    "support_prosecution",
    "protest",
)
ISSUED = date(2026, 6, 30)


def docx_text(data: bytes) -> str:
    """Paragraph text as python-docx reads it (fails if the file is corrupt)."""
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def docx_raw(data: bytes) -> str:
    """Every XML part with the tags removed: catches values split across runs or hidden in parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return re.sub(r"<[^>]+>", "", "".join(parts))


def pdf_text(data: bytes) -> str:
    """Extracted PDF text with all whitespace removed (extraction spaces CJK glyphs)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind_id", KINDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_names_addressee_basis_and_deadline(warehouse, police_lead, kind_id: str, lang: str) -> None:
    doc = draft(police_lead, warehouse, kind=kind_id, lang=lang, issued_on=ISSUED, addressee="西湖分局")
    text = docx_text(doc.data)
    kind = get_kind(kind_id)
    assert kind.title[lang] in text
    recipient = kind.addressee[lang] if kind.addressee else "西湖分局"
    assert (f"{recipient}：" if lang == "zh" else f"{recipient}:") in text
    assert all(line in text for line in kind.basis[lang])
    due = kind.deadline_from(ISSUED)
    if due is None:
        assert ("无需书面回复" if lang == "zh" else "no written reply required") in text
    else:
        assert (
            f"{due.year}年{due.month}月{due.day}日前" if lang == "zh" else f"by {due.isoformat()}"
        ) in text
    assert doc.filename == f"L-0001-{kind_id}-{lang}.docx"
    assert doc.data[:2] == b"PK"


def test_case_filing_notice_defaults_to_seven_days_and_the_leads_target(warehouse, police_lead) -> None:
    doc = draft(police_lead, warehouse, issued_on=ISSUED)
    text = docx_text(doc.data)
    assert doc.content.kind == "case_filing_notice"
    assert "要求说明不立案理由通知书" in text and "杭州市公安局西湖区分局：" in text
    assert "2026年7月7日前" in text and "《中华人民共和国刑事诉讼法》第一百一十三条" in text
    assert "浙江省杭州市西湖区人民检察院" in text


def test_explicit_deadline_and_model_basis_are_used(warehouse, medical_lead) -> None:
    doc = draft(
        medical_lead,
        warehouse,
        issued_on=ISSUED,
        deadline=date(2026, 9, 1),
        model_basis=["《未成年人保护法》第十一条"],
    )
    text = docx_text(doc.data)
    assert "检察建议书" in text and "2026年9月1日前" in text and "《未成年人保护法》第十一条" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_names_addressee_basis_and_deadline(warehouse, police_lead, lang: str) -> None:
    doc = draft(police_lead, warehouse, fmt="pdf", lang=lang, issued_on=ISSUED)
    assert doc.data.startswith(b"%PDF") and doc.media_type == "application/pdf"
    text = pdf_text(doc.data)
    assert squash(get_kind("case_filing_notice").title[lang]) in text
    assert "杭州市公安局西湖区分局" in text
    assert squash(get_kind("case_filing_notice").basis[lang][0]) in text
    assert ("2026年7月7日前" if lang == "zh" else "by2026-07-07") in text


def test_hostile_evidence_neither_corrupts_nor_leaks_into_docx(
    warehouse, police_lead, medical_lead, secrets
) -> None:
    for lead in (police_lead, medical_lead):
        for lang in ("zh", "en"):
            data = draft(lead, warehouse, lang=lang, issued_on=ISSUED).data
            text = docx_text(data)  # opens with python-docx
            raw = docx_raw(data)
            for secret in secrets.values():
                assert secret not in text and secret not in raw, secret
    text = docx_text(draft(police_lead, warehouse, issued_on=ISSUED).data)
    assert "<b>&amp;</b> {{ evil }} {% if 1 %}x{% endif %} ]]>" in text  # shown as text, never evaluated
    assert "…" in text  # the 5,000-character description was cut


def test_hostile_evidence_does_not_leak_into_pdf(warehouse, police_lead, medical_lead, secrets) -> None:
    for lead in (police_lead, medical_lead):
        text = pdf_text(draft(lead, warehouse, fmt="pdf", issued_on=ISSUED).data)
        assert "王某" in text or "陈某" in text  # the extraction works: masked names are there
        for secret in secrets.values():
            assert squash(secret) not in text, secret
    assert "{{evil}}" in pdf_text(draft(police_lead, warehouse, fmt="pdf", issued_on=ISSUED).data)


def test_hostile_addressee_and_document_number_stay_text(warehouse, police_lead, secrets) -> None:
    hostile = "<w:p>&{{x}}" + secrets["victim_id"]
    doc = draft(police_lead, warehouse, issued_on=ISSUED, addressee=hostile, doc_no=hostile)
    text = docx_text(doc.data)
    assert "<w:p>&{{x}}［已隐去］" in text and secrets["victim_id"] not in docx_raw(doc.data)


def test_bad_requests_are_clear_errors(warehouse, police_lead) -> None:
    with pytest.raises(DocumentError, match="format 'odt'"):
        draft(police_lead, warehouse, fmt="odt")
    with pytest.raises(DocumentError, match="language 'fr'"):
        draft(police_lead, warehouse, lang="fr")
    police_lead.target = ""
    with pytest.raises(DocumentError, match="no addressee"):
        draft(police_lead, warehouse)


def test_a_workspace_template_for_one_kind_overrides_the_standard(tmp_path, warehouse, police_lead) -> None:
    standard = find_template("support_prosecution")
    own = tmp_path / "support_prosecution.docx"
    template = docx.Document(str(standard))
    template.add_paragraph("本院联系人：{{ office_name }}")
    template.save(str(own))
    assert find_template("support_prosecution", [tmp_path]) == own
    assert find_template("case_filing_notice", [tmp_path]) == standard
    doc = draft(
        police_lead, warehouse, kind="support_prosecution", issued_on=ISSUED, template_dirs=[tmp_path]
    )
    assert "本院联系人：浙江省杭州市西湖区人民检察院" in docx_text(doc.data)


def test_every_kind_renders_with_the_shipped_template() -> None:
    assert {find_template(kind).name for kind in all_kinds()} == {"standard.docx"}


def test_the_shipped_template_is_what_the_builder_writes(tmp_path) -> None:
    from docxtpl import DocxTemplate

    from procura.documents.template_files import build_default

    rebuilt = build_default(tmp_path / "standard.docx")
    shipped = find_template("procuratorial_suggestion")
    texts = [[p.text for p in docx.Document(str(path)).paragraphs] for path in (shipped, rebuilt)]
    assert texts[0] == texts[1]
    assert DocxTemplate(str(shipped)).get_undeclared_template_variables() >= {
        "office_name",
        "title",
        "doc_no",
        "salutation",
        "intro",
        "facts",
        "basis",
        "opinion",
        "deadline",
        "reply",
        "issued_on",
        "lead_ref",
        "headings",
        "draft_mark",
    }
