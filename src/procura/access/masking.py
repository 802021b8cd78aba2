"""The one masking module: what personal data an API answer, a page, an export, the CLI
and a formal document may show.

Reads (``mask_record``, ``mask_text``): identity numbers keep their six-digit
region, phones their prefix and last four digits, birth dates their year;
diagnoses and addresses are hidden; the names of minors, of patients and of
victims of sexual offences become surname + 某 (the courts' rule for published
judgments). Documents (``scrub``) tell the addressee even less: identity
numbers, phones, addresses and diagnoses are withheld outright. Both find an
identity number or a phone in every spelling (spaces, hyphens, full-width
digits, a ``+86`` prefix), and both use the same names, surnames and ages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from procura import clock
from procura.standard import id_no_birth_date

MASK = "[已遮蔽 masked]"
REDACTED_ZH = "［已隐去］"
REDACTED_EN = "[withheld]"
# Two-character compound surnames that must stay whole (欧阳某, not 欧某).
_COMPOUNDS = (
    "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒夏侯"
    "轩辕令狐端木独孤南宫西门百里呼延万俟澹台公冶太史申屠钟离闾丘第五"
)
COMPOUND_SURNAMES = frozenset(_COMPOUNDS[i : i + 2] for i in range(0, len(_COMPOUNDS), 2))
SEXUAL_OFFENCES = frozenset({"sexual_assault_minor"})
MINOR_AGE = 18
# Any run of 15 or more digits (an 18- or 15-digit identity number, with stray spaces or
# hyphens and a final X; also bank cards): over-masking a long number costs less than a leak.
ID_NO_RE = re.compile(r"(?<!\d)\d(?:[ \t-]?\d){14,}[Xx]?(?!\d)")
PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[ \t-]?)?1[3-9]\d(?:[ \t-]?\d){8}(?!\d)")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
# An address after a keyword (to the next punctuation), or a street-and-number phrase.
_ADDRESS = re.compile(
    r"(?:住址|地址|家住|住在|居住于?|户籍地|现住)[:：]?\s*[^，。；;,.!?！？\s]{1,40}"
    r"|[\u4e00-\u9fff\w]{0,20}?(?:路|街|大道|巷|弄|胡同|村|小区|公寓|大厦)[\w\u4e00-\u9fff-]{0,12}?[号栋幢室](?:[\w-]{0,8}室)?"
)
_ICD10 = re.compile(r"(?<![0-9A-Za-z])[A-TV-Z]\d{2}(?:\.\d{1,2})?(?![0-9A-Za-z])")
# Characters XML 1.0 forbids, plus lone surrogates and the non-characters.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Person-name fields and the birth-date field that tells whether the person is a minor.
NAME_FIELDS = {
    "victim_name": "victim_birth_date",
    "patient_name": "patient_birth_date",
    "name": "birth_date",
    "party_name": None,
    "suspect_name": None,
}
ALWAYS_MASKED_NAMES = frozenset({"patient_name"})
DIAGNOSIS_FIELDS = frozenset({"icd10", "icd", "diagnosis_text", "diagnosis"})
TEXT_FIELDS = frozenset({"description", "summary", "not_filed_reason", "note", "explanation"})
EVENT_DATE_FIELDS = ("visit_date", "received_at", "decision_date", "decided_at", "filed_at", "reported_at")


def clean(text: object, limit: int = 300) -> str:
    """``text`` as a single safe line: illegal characters dropped, whitespace folded, cut to ``limit``."""
    if text is None:
        return ""
    value = _XML_ILLEGAL.sub("", str(text))
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in "Xx")


def mask_id_no(value: str | None) -> str | None:
    """Keep the six-digit region, hide the birth date, sequence and check digit."""
    if not value:
        return value
    text = str(value)
    return text[:6] + "*" * max(len(text) - 6, 0) if len(text) > 6 else "*" * len(text)


def surname(name: str) -> str:
    """The surname of a Chinese name (compound surnames kept), or the initial of a Latin name."""
    value = clean(name, 80)
    if value[:2] in COMPOUND_SURNAMES and len(value) > 2:
        return value[:2]
    return value[:1]


def mask_name(value: str | None) -> str | None:
    """Surname + 某 (``张三`` -> ``张某``, ``欧阳娜娜`` -> ``欧阳某``); Latin names keep the initial."""
    if not value:
        return value
    text = clean(value, 80)
    if text[:1].isascii():
        return text[:1] + "."
    return surname(text) + "某"


def mask_phone(value: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``; other numbers keep their last two digits."""
    if not value:
        return value
    text = str(value)
    if len(text) == 11 and text.isdigit():
        return text[:3] + "****" + text[-4:]
    return "*" * max(len(text) - 2, 0) + text[-2:]


def mask_text(value: str | None, names: dict[str, str] | None = None) -> str | None:
    """Mask identity and mobile numbers in free text, and replace each known name by its mask."""
    if not value:
        return value
    text = str(value).translate(_FULLWIDTH_DIGITS)
    text = ID_NO_RE.sub(lambda m: (d := _digits(m.group(0)))[:6] + "*" * (len(d) - 6), text)
    text = PHONE_RE.sub(lambda m: (d := _digits(m.group(0))[-11:])[:3] + "****" + d[-4:], text)
    for name in sorted(names or {}, key=len, reverse=True):
        if name and len(name) > 1:
            text = text.replace(name, (names or {})[name])
    return text


def scrub(
    text: object,
    names: Iterable[str] = (),
    limit: int = 300,
    lang: str = "zh",
    free_text: bool = True,
    secrets: Iterable[str] = (),
) -> str:
    """For documents: ``text`` with identity numbers, phones and ``secrets`` withheld, ``names`` masked.

    ``free_text`` (narrative fields) also withholds ICD-10 codes and anything that reads
    as an address; short fields (names of bodies, record numbers) keep them.
    """
    value = clean(text, 10_000).translate(_FULLWIDTH_DIGITS)
    withheld = REDACTED_ZH if lang == "zh" else REDACTED_EN
    for secret in sorted({clean(x, 200) for x in secrets if x}, key=len, reverse=True):
        if len(secret) >= 3:
            value = value.replace(secret, withheld)
    value = ID_NO_RE.sub(withheld, value)
    value = PHONE_RE.sub(withheld, value)
    if free_text:
        value = _ICD10.sub(withheld, value)
        value = _ADDRESS.sub(withheld, value)
    for full in sorted({clean(n, 80) for n in names if n}, key=len, reverse=True):
        if len(full) >= 2:
            value = value.replace(full, mask_name(full) or "")
    return clean(value, limit)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def age_on(birth: Any, on: Any) -> int | None:
    """Completed years at ``on`` (a child is 13 until the day of the 14th birthday)."""
    born, when = _as_date(birth), _as_date(on)
    if born is None or when is None:
        return None
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def is_minor(birth: Any, on: Any) -> bool:
    """True when a person born on ``birth`` is under 18 on ``on`` (today in Beijing when unknown)."""
    age = age_on(birth, _as_date(on) or clock.today())
    return age is not None and age < MINOR_AGE


def birth_from_id_no(id_no: object) -> date | None:
    """The birth date in an 18-digit identity number however spelled (digits 7-14), or None."""
    value = _digits(clean(id_no, 40).translate(_FULLWIDTH_DIGITS)).upper()
    return id_no_birth_date(value)


def _birth_of(row: dict[str, Any], name_field: str) -> Any:
    """The person's birth date: the record's birth-date field, else digits 7-14 of its identity number
    (a minor known to an agency only by identity number is still a minor)."""
    birth_field = NAME_FIELDS[name_field]
    if birth_field is not None and row.get(birth_field):
        return row[birth_field]
    id_no = row.get(name_field[: -len("name")] + "id_no")
    return birth_from_id_no(id_no) if id_no else None


def _event_date(row: dict[str, Any]) -> Any:
    return next((row[f] for f in EVENT_DATE_FIELDS if row.get(f)), None)


def _sexual(row: dict[str, Any], sexual_context: bool) -> bool:
    return (
        sexual_context or row.get("offense_type") in SEXUAL_OFFENCES or row.get("charge") in SEXUAL_OFFENCES
    )


def mask_record(row: dict[str, Any], sexual_context: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """A masked copy of one record (warehouse row or lead subject) and the replacements it made
    (names, diagnoses, addresses: original -> masked) for the caller to apply to related free text."""
    out = dict(row)
    names: dict[str, str] = {}
    for field, value in row.items():
        if value is None or value == "":
            continue
        if field.endswith("id_no"):
            out[field] = mask_id_no(str(value))
        elif field in DIAGNOSIS_FIELDS or "address" in field:
            out[field] = MASK
            # The same diagnosis or address quoted in free text goes too.
            if isinstance(value, str) and len(value) > 2:
                names[value] = MASK
        elif field.endswith("phone"):
            out[field] = mask_phone(str(value))
        elif field.endswith("birth_date"):
            born = _as_date(value)
            out[field] = f"{born.year}-**-**" if born else MASK
        elif field in NAME_FIELDS:
            birth = _birth_of(row, field)
            minor = birth is not None and is_minor(birth, _event_date(row))
            victim = field in ("victim_name", "name") and _sexual(row, sexual_context)
            if minor or victim or field in ALWAYS_MASKED_NAMES:
                masked = mask_name(str(value)) or ""
                out[field] = masked
                names[str(value)] = masked
    for field, value in out.items():
        if isinstance(value, str) and field in TEXT_FIELDS:
            out[field] = mask_text(value, names)
    return out, names
