"""Every kind of document is fit to send: A4 after GB/T 9704, one language, 避头尾, headings kept
with their text, the handler's words in 监督意见, a register number or 草稿. Each kind's first PDF
page is kept as a PNG under ``build/artifacts/documents/`` for a person to look at."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import duckdb
import pypdfium2
import pytest
from docx.shared import Mm
from pypdf import PdfReader

from procura.documents import all_kinds, draft
from procura.documents.addressees import resolve
from procura.documents.kinds import get_kind
from procura.documents.numbering import DEPARTMENT_MARKS, format_number
from procura.documents.typography import MARGINS_MM, NO_LINE_START, break_lines, breaks_rule
from procura.leads.orm import Lead
from procura.warehouse.evidence import read_evidence

ARTIFACTS = Path(__file__).parents[2] / "build" / "artifacts" / "documents"
ISSUED = date(2026, 5, 6)
NUMBER = "磐检行建〔2026〕3号"
FINDINGS = "两份接报案记录反映的网络诽谤行为浏览量均超过五千次，公安机关未予立案"
REQUESTED = "对两起报案依法审查，说明不立案理由，并于期限内书面回复"
HEADINGS = ("一、查明的事实", "二、法律依据", "三、监督意见", "四、回复期限")
# English words or raw codes in a Chinese document (an evidence number like PR-1 is fine).
_ENGLISH = re.compile(r"[A-Za-z]{3,}|[a-z]+_[a-z]+")


@pytest.fixture(scope="module")
def clean_warehouse():  # type: ignore[no-untyped-def]
    """Twelve police reports taken by two bureaux, with bilingual and unknown codes in the data."""
    con = duckdb.connect(":memory:")
    con.execute(
        """CREATE TABLE police_reports(report_id VARCHAR, region_code VARCHAR, police_unit VARCHAR,
        received_at DATE, offense_type VARCHAR, victim_name VARCHAR, victim_id_no VARCHAR,
        victim_birth_date DATE, victim_phone VARCHAR, suspect_name VARCHAR, suspect_id_no VARCHAR,
        description VARCHAR, views_count BIGINT, reposts_count BIGINT, filed BOOLEAN,
        not_filed_reason VARCHAR)"""
    )
    for n in range(12):
        con.execute(
            "INSERT INTO police_reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                f"PR-{n}",
                "330727",
                "磐安县公安局" if n % 2 == 0 else "磐安县公安局尖山派出所",
                date(2026, 3, 1 + n),
                "online_defamation" if n % 3 else "brand_new_code",
                "王小明",
                None,
                None,
                None,
                "李四",
                None,
                "被举报人在微信群和短视频平台多次发布捏造的不实信息，称被害人有违法行为，引发大量转发和评论。"
                * 2,
                6000 + n,
                900,
                False,
                "尚在审查 / under review",
            ],
        )
    yield con
    con.close()


def _lead(measure: str) -> Lead:
    evidence = [{"table": "police_reports", "key": {"report_id": f"PR-{n}"}} for n in range(12)]
    return Lead(
        id="L-abc-def",
        fingerprint="f" * 64,
        model_id="unfiled-online-defamation",
        model_version="1",
        params={},
        anchor=evidence[:1],
        evidence=evidence,
        subject={"kind": "person", "entity_id": "P1"},
        target="公安机关 (public security organ)",
        region_code="330727",
        office="330727-county",
        prong="criminal",
        measure=measure,
        score=0.9,
        explanation_zh="",
        explanation_en="",
        details={},
        status="investigating",
    )


def _render(con, kind: str, fmt: str, doc_no: str | None = NUMBER):  # type: ignore[no-untyped-def]
    return draft(
        _lead("case_filing_notice"),
        con,
        kind=kind,
        fmt=fmt,
        issued_on=ISSUED,
        addressee="磐安县公安局",
        doc_no=doc_no,
        model_basis=["《中华人民共和国刑法》第二百四十六条 / Criminal Law, art. 246"],
        findings=FINDINGS,
        requested=REQUESTED,
    )


def _pdf_lines(data: bytes) -> list[list[str]]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for page in pdf:
            text = page.get_textpage().get_text_range()
            # The page number (— 1 —) is not body text.
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            pages.append([line for line in lines if not re.fullmatch(r"— \d+ —", line)])
        return pages
    finally:
        pdf.close()


@pytest.mark.parametrize("kind", sorted(all_kinds()))
def test_each_kind_is_a_sendable_a4_document(clean_warehouse, kind: str) -> None:
    pdf = _render(clean_warehouse, kind, "pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    pages = _pdf_lines(pdf.data)
    lines = [line for page in pages for line in page]
    text = "".join(lines)
    assert NUMBER in text and "草稿" not in text and "L-abc-def" not in text
    assert FINDINGS in text.replace(" ", "") or FINDINGS[:20] in text
    # No line starts with a closing mark or ends with an opening one.
    assert [line for line in lines if breaks_rule(line)] == []
    # A heading is never the last line of a page (the page number aside).
    for page in pages:
        assert page[-1] not in HEADINGS
    assert len(pages) >= 2, "twelve reports fill more than one page"

    content = pdf.content
    words = content.plain_text()
    assert _ENGLISH.findall(words) == []
    assert "under review" not in words and "brand_new_code" not in words and "公安机关 (" not in words
    if kind != "pre_litigation_announcement":
        assert content.addressee == "磐安县公安局"
    assert content.opinion[0] == f"经审查，{FINDINGS}。"
    assert content.opinion[-1] == f"具体要求：{REQUESTED}。"



# Each kind as it would be sent: the issuing department's number from the register's format, the
# body it goes to (a protest and a supporting brief go to a court, an announcement to the public),
# the prong whose measure it drafts. Its first page is kept as a PNG for a person to look at.
AS_SENT = {
    "procuratorial_suggestion": ("administrative", "磐安县公安局"),
    "corrective_notice": ("criminal", "磐安县公安局"),
    "case_filing_notice": ("criminal", "磐安县公安局"),
    "filing_order": ("criminal", "磐安县公安局"),
    "pre_litigation_notice": ("public_interest", "磐安县公安局"),
    "pre_litigation_announcement": ("public_interest", None),
    "support_prosecution": ("civil", "磐安县人民法院"),
    "protest": ("civil", "金华市中级人民法院"),
}


@pytest.mark.parametrize("kind", sorted(all_kinds()))
def test_each_kind_as_sent_first_page_kept_as_png(clean_warehouse, kind: str) -> None:
    department, addressee = AS_SENT[kind]
    number = format_number("330727-county", department, get_kind(kind), ISSUED.year, 3)
    lead = _lead("case_filing_notice")
    lead.prong = department
    pdf = draft(
        lead,
        clean_warehouse,
        kind=kind,
        fmt="pdf",
        issued_on=ISSUED,
        addressee=addressee,
        doc_no=number,
        model_basis=["《中华人民共和国刑法》第二百四十六条 / Criminal Law, art. 246"],
        findings=FINDINGS,
        requested=REQUESTED,
    )
    text = "".join(line for page in _pdf_lines(pdf.data) for line in page)
    assert number in text and f"检{get_kind(kind).abbr}" not in number[:2]
    assert number.startswith(f"磐检{DEPARTMENT_MARKS[department]}{get_kind(kind).abbr}〔2026〕")
    if addressee:
        assert pdf.content.addressee == addressee and f"{addressee}：" in text
    else:
        assert "法律规定的机关和有关组织" in text
    assert _ENGLISH.findall(pdf.content.plain_text()) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rendered = pypdfium2.PdfDocument(pdf.data)
    try:
        rendered[0].render(scale=1.5).to_pil().save(ARTIFACTS / f"{kind}.png")
    finally:
        rendered.close()
    assert (ARTIFACTS / f"{kind}.png").stat().st_size > 10_000


@pytest.mark.parametrize("kind", ["procuratorial_suggestion", "protest"])
def test_the_docx_is_a4_with_gb9704_margins_and_headings_kept_with_their_text(
    clean_warehouse, kind: str
) -> None:
    rendered = _render(clean_warehouse, kind, "docx")
    document = docx.Document(io.BytesIO(rendered.data))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.top_margin - Mm(MARGINS_MM["top"])) < Mm(0.5)
    assert abs(section.left_margin - Mm(MARGINS_MM["left"])) < Mm(0.5)
    paragraphs = {p.text: p for p in document.paragraphs}
    for heading in HEADINGS:
        assert paragraphs[heading].paragraph_format.keep_with_next is True
    assert f"经审查，{FINDINGS}。" in paragraphs and f"具体要求：{REQUESTED}。" in paragraphs
    assert NUMBER in paragraphs and not any("草稿" in text for text in paragraphs)
    # The same content as the PDF.
    pdf = _render(clean_warehouse, kind, "pdf")
    assert pdf.content == rendered.content


def test_a_draft_says_so_and_has_no_number(clean_warehouse) -> None:
    pdf = _render(clean_warehouse, "procuratorial_suggestion", "pdf", doc_no=None)
    text = "".join(line for page in _pdf_lines(pdf.data) for line in page)
    assert "草稿" in text and "文号待定" in text and "L-abc-def" in text
    document = docx.Document(
        io.BytesIO(_render(clean_warehouse, "procuratorial_suggestion", "docx", None).data)
    )
    assert document.paragraphs[0].text == "草稿"


def test_english_only_with_lang_en(clean_warehouse) -> None:
    english = draft(_lead("case_filing_notice"), clean_warehouse, lang="en", issued_on=ISSUED, doc_no=NUMBER)
    text = english.content.plain_text()
    assert "under review" in text and "尚在审查" not in text


def test_each_bureau_named_in_the_evidence_is_an_addressee(clean_warehouse) -> None:
    rows = read_evidence(clean_warehouse, _lead("case_filing_notice").evidence)
    assert resolve("unfiled-online-defamation", rows) == ["磐安县公安局", "磐安县公安局尖山派出所"]


def test_a_closing_mark_never_starts_a_line() -> None:
    # Ten characters fit a line; the eleventh is a full stop that would start the next line.
    text = "甲" * 10 + "。乙（丙）" + "丁" * 8 + "“戊”"
    lines = break_lines(text, 10, len)
    assert "".join(lines) == text
    assert all(len(line) <= 10 for line in lines)
    assert lines[1].startswith("甲。") and not any(line[0] in NO_LINE_START for line in lines)
    # An opening mark never ends a line; Latin words and numbers are never split.
    assert not any(line.endswith(("（", "“")) for line in lines)
    assert break_lines("编号PR-12345号", 5, len) == ["编号", "PR-12345", "号"] or all(
        "PR-12345" in line or "PR" not in line for line in break_lines("编号PR-12345号", 5, len)
    )
