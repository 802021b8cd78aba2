"""Personal-data minimisation for formal documents.

A document tells its addressee only what the addressee needs. Following the
courts' rules for publishing judgments, victims, patients and minors appear as
surname + 某; identity numbers, phone numbers, addresses and diagnoses never
appear. Free text taken from evidence is scrubbed of anything that looks like
an identity number, a phone number or an ICD-10 code, of the full names of the
people being masked, and of characters that cannot live in an XML document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

# Two-character compound surnames that must stay whole (欧阳某, not 欧某).
_COMPOUNDS = (
    "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒夏侯"
    "轩辕令狐端木独孤南宫西门百里呼延万俟澹台公冶太史申屠钟离闾丘第五"
)
_COMPOUND_SURNAMES = frozenset(_COMPOUNDS[i : i + 2] for i in range(0, len(_COMPOUNDS), 2))
REDACTED_ZH = "［已隐去］"
REDACTED_EN = "[withheld]"

# Any run of 15 or more digits (an 18- or 15-digit identity number, with stray spaces or
# hyphens and a final X) is withheld: over-redacting a long number costs less than a leak.
_ID_NO = re.compile(r"(?<!\d)\d(?:[\s-]?\d){14,}[Xx]?(?!\d)")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９ＸＸｘ", "0123456789XXx")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
# An address after a keyword (to the next punctuation), or a street-and-number phrase.
_ADDRESS = re.compile(
    r"(?:住址|地址|家住|住在|居住于?|户籍地|现住)[:：]?\s*[^，。；;,.!?！？\s]{1,40}"
    r"|[\u4e00-\u9fff\w]{0,20}?(?:路|街|大道|巷|弄|胡同|村|小区|公寓|大厦)[\w\u4e00-\u9fff-]{0,12}?[号栋幢室](?:[\w-]{0,8}室)?"
)
_ICD10 = re.compile(r"(?<![0-9A-Za-z])[A-TV-Z]\d{2}(?:\.\d{1,2})?(?![0-9A-Za-z])")
# Characters XML 1.0 forbids, plus lone surrogates and the non-characters.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object, limit: int = 300) -> str:
    """``text`` as a single safe line: illegal characters dropped, whitespace folded, cut to ``limit``."""
    if text is None:
        return ""
    value = _XML_ILLEGAL.sub("", str(text))
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


def surname(name: str) -> str:
    """The surname of a Chinese name (compound surnames kept), or the last word of a Latin name."""
    name = clean(name, 80)
    if not name:
        return ""
    if name[:2] in _COMPOUND_SURNAMES:
        return name[:2]
    if name.isascii():
        return name.split()[-1] if " " in name else name[:1]
    return name[:1]


def mask_name(name: object) -> str:
    """``张三`` -> ``张某``; ``Jane Doe`` -> ``Doe X.``; an empty name stays empty."""
    value = clean(name, 80)
    if not value:
        return ""
    family = surname(value)
    if value.isascii():
        return f"{family} X."
    return f"{family}某"


def age_on(birth: date | None, on: date | None) -> int | None:
    """Completed years at ``on`` (a child is 13 until the day of the 14th birthday)."""
    if birth is None or on is None:
        return None
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def birth_from_id_no(id_no: object) -> date | None:
    """The birth date encoded in an 18-digit identity number (digits 7-14), or None."""
    value = clean(id_no, 40).translate(_FULLWIDTH_DIGITS).replace(" ", "").replace("-", "")
    if len(value) != 18 or not value[:17].isdigit():
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def scrub(
    text: object,
    names: Iterable[str] = (),
    limit: int = 300,
    lang: str = "zh",
    free_text: bool = True,
    secrets: Iterable[str] = (),
) -> str:
    """``text`` with identity numbers, phones, the ``secrets`` withheld and the full ``names`` masked.

    ``free_text`` (narrative fields) also withholds ICD-10 codes and anything that reads
    as an address; short fields (names of bodies, record numbers) keep them.
    """
    value = clean(text, 10_000).translate(_FULLWIDTH_DIGITS)
    withheld = REDACTED_ZH if lang == "zh" else REDACTED_EN
    for secret in sorted({clean(x, 200) for x in secrets if x}, key=len, reverse=True):
        if len(secret) >= 3:
            value = value.replace(secret, withheld)
    value = _ID_NO.sub(withheld, value)
    value = _PHONE.sub(withheld, value)
    if free_text:
        value = _ICD10.sub(withheld, value)
        value = _ADDRESS.sub(withheld, value)
    for full in sorted({clean(n, 80) for n in names if n}, key=len, reverse=True):
        if len(full) >= 2:
            value = value.replace(full, mask_name(full))
    return clean(value, limit)


# "中文 / English" and "中文 (English)": the source data and the models' targets are often bilingual.
_SLASH_ENGLISH = re.compile(r"\s*/\s*(?=[A-Za-z])[^/\u4e00-\u9fff]*$")
_PAREN_ENGLISH = re.compile(r"\s*[(（](?=[A-Za-z])[^()（）\u4e00-\u9fff]*[)）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def one_language(text: str, lang: str) -> str:
    """The ``lang`` half of a bilingual text (``尚在审查 / under review`` -> ``尚在审查``); else ``text``.

    Only a text that has Chinese in it is cut: an English-only text is left whole.
    """
    if not _CJK.search(text):
        return text
    if lang == "zh":
        return _PAREN_ENGLISH.sub("", _SLASH_ENGLISH.sub("", text)).strip() or text
    match = _SLASH_ENGLISH.search(text)
    if match:
        return text[match.start() :].strip(" /")
    paren = _PAREN_ENGLISH.search(text)
    return paren.group(0).strip(" （）()") if paren else text
