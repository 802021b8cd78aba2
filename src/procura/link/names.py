"""Names as agencies write them, made comparable.

Person names are folded (full-width to half-width, stray spaces removed,
traditional and variant characters to simplified with OpenCC's ``t2s``
table, so 張偉 and 张伟 agree; the middle dot of a minority name dropped in
whichever spelling it came (·, •, ．, none); Latin lower-cased) and spelled in
toneless pinyin, so that a homophone typo (张玮 for 张伟) still agrees on
pinyin. Organisation names additionally lose their legal-form suffix
(有限公司, 有限责任公司, 股份有限公司, Co., Ltd. …) so that "某某科技" and
"某某科技有限公司" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")
# Middle-dot spellings after NFKC (． becomes .), and the dot itself.
_DOTS = re.compile(r"[·•・‧∙⋅.]")
_T2S = opencc.OpenCC("t2s")
# Longest first: the first suffix that matches is removed, once.
_ORG_SUFFIXES = tuple(
    sorted(
        (
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "股份公司",
            "集团公司",
            "公司",
            "co.,ltd.",
            "co.,ltd",
            "co.ltd.",
            "co.ltd",
            "ltd.",
            "ltd",
            "inc.",
            "inc",
        ),
        key=len,
        reverse=True,
    )
)
_ORG_BRACKETS = re.compile(r"[()（）\[\]【】\"'“”‘’]")
_ORG_PUNCT = re.compile(r"[,，、·.]")


def fold(text: str | None) -> str | None:
    """Full-width to half-width, no whitespace, Latin lower-cased; blank becomes None."""
    if text is None:
        return None
    folded = _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()
    return folded or None


@lru_cache(maxsize=65536)
def simplified(char: str) -> str:
    """One character in its simplified form (張 -> 张, 劉 -> 刘); others unchanged."""
    if char.isascii():
        return char
    converted: str = _T2S.convert(char)
    return converted if len(converted) == 1 else char


def person_name(text: str | None) -> str | None:
    """The comparable form of a person's name: folded, simplified, without middle dots."""
    folded = fold(text)
    if not folded:
        return None
    return "".join(simplified(c) for c in _DOTS.sub("", folded)) or None


@lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    # One character at a time: names are short and repeat characters, so the
    # cache makes a million names cost a few thousand pypinyin calls.
    return "".join(lazy_pinyin(char, style=Style.NORMAL))


def pinyin(name: str | None) -> str | None:
    """Toneless pinyin of a (folded) name, syllables separated by spaces; Latin kept."""
    if not name:
        return None
    parts: list[str] = []
    latin = ""
    for char in name:
        if char.isascii():
            latin += char
            continue
        if latin:
            parts.append(latin)
            latin = ""
        if not _DOTS.match(char):
            parts.append(_char_pinyin(char))
    if latin:
        parts.append(latin)
    return " ".join(parts) or None


def org_name(text: str | None) -> str | None:
    """The comparable form of an organisation's name: folded, suffix and punctuation removed."""
    folded = fold(text)
    if not folded:
        return None
    folded = _ORG_BRACKETS.sub("", folded) or folded
    for suffix in _ORG_SUFFIXES:
        if folded.endswith(suffix):
            folded = folded[: -len(suffix)] or folded
            break
    stripped = _ORG_PUNCT.sub("", folded)
    return stripped or folded
