"""What a formal document says, independent of its file format.

:func:`compose` turns a lead, the evidence rows it cites and the measure's
particulars into a :class:`DocumentContent`: plain, already minimised strings
that the DOCX and PDF renderers lay out. The model's own explanation is not
copied in: it is written for prosecutors and may name what the addressee must
not learn (ADR 0551); the facts are rebuilt from evidence fields instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pypinyin import lazy_pinyin

from procura.access.masking import scrub
from procura.documents.facts import fact_sentences, person_names
from procura.documents.kinds import LANGS, DocumentError, DocumentKind
from procura.documents.language import one_language
from procura.standard import regions
from procura.warehouse.evidence import EvidenceRow

DRAFT_NO = {"zh": "（草稿，文号待定）", "en": "(draft, number not yet assigned)"}
HEADINGS = {
    "zh": {
        "facts": "一、查明的事实",
        "basis": "二、法律依据",
        "request": "三、监督意见",
        "deadline": "四、回复期限",
        "intro": "本院在履行法律监督职责中发现：",
        "deadline_value": "{date}前",
        "no_deadline": "无需书面回复",
        "lead": "线索编号",
        "no_facts": "相关证据记录详见证据清单。",
        "findings": "经审查，{text}",
        "requested": "具体要求：{text}",
        "draft": "草稿",
    },
    "en": {
        "facts": "I. Facts found",
        "basis": "II. Legal basis",
        "request": "III. Supervision opinion",
        "deadline": "IV. Reply deadline",
        "intro": "In performing its legal-supervision duties, this procuratorate has found the following.",
        "deadline_value": "by {date}",
        "no_deadline": "no written reply required",
        "lead": "Lead",
        "no_facts": "The evidence records are listed in the evidence bundle.",
        "findings": "On review, {text}",
        "requested": "Specifically: {text}",
        "draft": "DRAFT",
    },
}


@dataclass(frozen=True)
class DocumentContent:
    """The text of one document, every field safe to place in a DOCX or PDF."""

    kind: str
    lang: str
    title: str
    office_name: str
    doc_no: str
    addressee: str
    intro: str
    facts: list[str]
    basis: list[str]
    request: str
    opinion: list[str]
    reply: str
    deadline: str
    issued_on: str
    lead_ref: str
    headings: dict[str, str] = field(default_factory=dict)
    draft_mark: str = ""

    def context(self) -> dict[str, Any]:
        """The template context (every field by name)."""
        return asdict(self)

    def plain_text(self) -> str:
        """All the document's text, one item a line (for previews and checks)."""
        parts = [self.office_name, self.title, self.doc_no, self.addressee, self.intro, *self.facts]
        parts += [*self.basis, *self.opinion, self.reply, self.deadline, self.issued_on]
        if self.draft_mark:
            parts += [self.draft_mark, self.lead_ref]
        return "\n".join(parts)


# Suffixes of division names and how an English address reads them (longest first).
_SUFFIXES = (
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("地区", "Prefecture"),
    ("新区", "New Area"),
    ("省", "Province"),
    ("市", ""),
    ("区", "District"),
    ("县", "County"),
    ("盟", "League"),
    ("旗", "Banner"),
)
# Ethnic groups named in autonomous divisions (广西壮族自治区 -> Guangxi Autonomous Region).
_ETHNIC = re.compile(
    "(?:(?:维吾尔|哈萨克|柯尔克孜|塔吉克|蒙古|土家|布依|哈尼|纳西|傈僳|景颇|拉祜|朝鲜|达斡尔|鄂温克|鄂伦春|"
    "仫佬|毛南|仡佬|撒拉|东乡|保安|裕固|锡伯|壮|回|藏|苗|彝|侗|傣|黎|羌|白|佤|瑶|满|畲|水|土)族?)+$"
)
# Placeholder levels of the code table that are not names ("city districts", "counties").
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def _romanized(name: str) -> str:
    """``西湖区`` -> ``Xihu District``; ``杭州市`` -> ``Hangzhou`` (pinyin of the stem, English suffix)."""
    for suffix, english in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = _ETHNIC.sub("", name[: -len(suffix)]) or name[: -len(suffix)]
            words = "".join(lazy_pinyin(stem)).capitalize()
            return f"{words} {english}".strip()
    return "".join(lazy_pinyin(name)).capitalize()


def office_name(office_id: str, lang: str = "zh") -> str:
    """``330106-county`` -> ``浙江省杭州市西湖区人民检察院`` or, in English,
    ``People's Procuratorate of Xihu District, Hangzhou, Zhejiang Province`` (the id when unknown)."""
    code = office_id.split("-", 1)[0]
    chain = []
    region = regions.lookup(code)
    while region is not None:
        chain.append(region.name)
        region = regions.lookup(region.parent_code)
    if not chain:
        return office_id
    if lang == "en":
        names = [_romanized(name) for name in chain if name not in _PLACEHOLDERS]
        return "People's Procuratorate of " + ", ".join(names)
    return "".join(reversed(chain)) + "人民检察院"


def place_name(code: str, lang: str = "zh") -> str | None:
    """A division as an address names it: ``330106`` -> ``杭州市西湖区`` (no province below it)."""
    region = regions.lookup(code)
    if region is None:
        return None
    chain = []
    while region is not None:
        if region.name not in _PLACEHOLDERS:
            chain.append(region.name)
        region = regions.lookup(region.parent_code)
    names = chain[:-1] if len(chain) > 1 else chain
    if lang == "en":
        return ", ".join(_romanized(name) for name in names)
    return "".join(reversed(names))


_ENGLISH_PART = re.compile(r"\s[(（](?=[A-Za-z])")


def addressee_in(target: str, lang: str) -> str:
    """One language of a model's bilingual target (``公安机关 (public security organ)``)."""
    text = target.strip()
    match = _ENGLISH_PART.search(text)
    if match is None or not text.endswith((")", "）")) or match.start() == 0:
        return target
    return text[: match.start()].strip() if lang == "zh" else text[match.end() : -1].strip()


def _basis(kind_lines: Sequence[str], model_lines: list[str]) -> list[str]:
    """The kind's procedural basis and the model's; a kind line the model cites in more detail is dropped."""
    kept = [line for line in kind_lines if not any(m != line and m.startswith(line) for m in model_lines)]
    return kept + [m for m in model_lines if m not in kept]


def _date_text(value: date, lang: str) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def compose(
    lead: Any,
    rows: Sequence[EvidenceRow],
    kind: DocumentKind,
    *,
    lang: str = "zh",
    issued_on: date,
    addressee: str | None = None,
    deadline: date | None = None,
    doc_no: str | None = None,
    issuer: str | None = None,
    model_basis: Sequence[str] = (),
    findings: str = "",
    requested: str = "",
) -> DocumentContent:
    """The content of a ``kind`` document about ``lead`` (a ``procura.leads.orm.Lead``).

    Without ``doc_no`` the document is a draft: it says so and carries the lead's
    reference for the office; a finalised one carries its register number only.
    The handler's ``findings`` and ``requested`` correction open and close the
    supervision opinion.
    """
    if lang not in LANGS:
        raise DocumentError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    names = person_names(rows)
    recipient = scrub(
        kind.addressee[lang] if kind.addressee else addressee_in(addressee or lead.target or "", lang),
        names,
        limit=120,
        lang=lang,
        free_text=False,
    )
    if not recipient:
        raise DocumentError(f"lead {lead.id}: no addressee (the lead has no target and none was given)")
    due = deadline or kind.deadline_from(issued_on)
    words = HEADINGS[lang]
    basis = _basis(
        kind.basis[lang],
        [
            one_language(scrub(line, names, limit=200, lang=lang, free_text=False), lang)
            for line in model_basis
        ],
    )
    opinion = [kind.request[lang]]
    for key, text in (("findings", findings), ("requested", requested)):
        said = scrub(text, names, limit=1500, lang=lang).rstrip("。.") if text else ""
        if said:
            line = words[key].format(text=said) + ("。" if lang == "zh" else ".")
            opinion.insert(0, line) if key == "findings" else opinion.append(line)
    return DocumentContent(
        kind=kind.id,
        lang=lang,
        title=kind.title[lang],
        office_name=scrub(
            issuer or office_name(lead.office, lang), (), limit=120, lang=lang, free_text=False
        ),
        doc_no=scrub(doc_no, (), limit=80, lang=lang, free_text=False) if doc_no else DRAFT_NO[lang],
        addressee=recipient,
        intro=words["intro"],
        facts=fact_sentences(rows, lang) or [words["no_facts"]],
        basis=basis,
        request=kind.request[lang],
        opinion=opinion,
        reply=kind.reply[lang],
        deadline=words["deadline_value"].format(date=_date_text(due, lang)) if due else words["no_deadline"],
        issued_on=_date_text(issued_on, lang),
        lead_ref=f"{words['lead']}: {scrub(lead.id, (), limit=60, lang=lang, free_text=False)}",
        headings={k: v for k, v in words.items() if k in ("facts", "basis", "request", "deadline")},
        draft_mark="" if doc_no else words["draft"],
    )
