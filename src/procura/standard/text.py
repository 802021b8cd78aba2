"""Text clean-up shared by the value types: full-width forms, spaces, names, phones.

Each normalizer has a Python form (one value) and a SQL form (a DuckDB
expression over a whole column); tests check that the two agree.
"""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map to ASCII.
FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0\uffe5"
HALFWIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + "  ¥"
# Only ASCII whitespace counts as space, in Python as in DuckDB's RE2.
WS = " \t\n\r\x0b\x0c"
WS_SQL = "' \t\n\r\x0b\x0c'"  # a literal with the control characters themselves
SPACE_RE = "[\\t\\n\\r\\x0b\\x0c ]"  # the same whitespace as WS, for RE2
_HALF = str.maketrans(FULLWIDTH, HALFWIDTH)
_SPACES = re.compile(r"[ \t\n\r\x0b\x0c]+")
_HAN_GAP = re.compile(r"([\u3400-\u9fff])[ \t\n\r\x0b\x0c]+([\u3400-\u9fff])")
_PHONE_SEP = re.compile(r"[ \t\n\r\x0b\x0c\-()]")
_PHONE_PREFIX = re.compile(r"^(?:\+86|0086|86)(1\d{10})$", re.ASCII)

HAN_RANGE = "\u3400-\u9fff"


def sql_str(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits, punctuation and spaces to ASCII."""
    return text.translate(_HALF)


def halfwidth_sql(expr: str) -> str:
    # translate() is slow in DuckDB and most values are plain ASCII (bytes = characters):
    # only values with other characters are searched for full-width forms.
    return (
        f"CASE WHEN strlen({expr}) = length({expr}) THEN {expr} "
        f"WHEN regexp_matches({expr}, '[\uff01-\uff5e\u3000\u00a0\uffe5]') "
        f"THEN translate({expr}, {sql_str(FULLWIDTH)}, {sql_str(HALFWIDTH)}) ELSE {expr} END"
    )


def clean(text: str | None) -> str | None:
    """Trimmed text; empty becomes None."""
    if text is None:
        return None
    text = text.strip(WS)
    return text or None


def clean_sql(expr: str) -> str:
    return f"nullif(trim({expr}, {WS_SQL}), '')"


def normalize_name(text: str | None) -> str | None:
    """A name as written, without stray spaces or full-width forms (``张 三`` -> ``张三``)."""
    text = clean(text)
    if text is None:
        return None
    text = _SPACES.sub(" ", to_halfwidth(text)).strip(WS)
    for _ in range(2):
        text = _HAN_GAP.sub(r"\1\2", text)
    return text or None


def name_sql(expr: str) -> str:
    half = halfwidth_sql(expr)
    s = f"trim(regexp_replace({half}, '{SPACE_RE}+', ' ', 'g'), {WS_SQL})"
    gap = f"'([{HAN_RANGE}]){SPACE_RE}+([{HAN_RANGE}])'"
    for _ in range(2):
        s = f"regexp_replace({s}, {gap}, '\\1\\2', 'g')"
    # Most names have no whitespace at all: skip the regular expressions for them.
    return f"nullif(CASE WHEN regexp_matches({half}, '{SPACE_RE}') THEN {s} ELSE {half} END, '')"


def normalize_phone(text: str | None) -> str | None:
    """Digits of a phone number without separators; ``+86`` dropped before a mobile number."""
    text = clean(text)
    if text is None:
        return None
    text = _PHONE_SEP.sub("", to_halfwidth(text))
    return _PHONE_PREFIX.sub(r"\1", text) or None


def phone_sql(expr: str) -> str:
    s = f"regexp_replace({halfwidth_sql(expr)}, '[\\t\\n\\r\\x0b\\x0c \\-()]', '', 'g')"
    return f"nullif(regexp_replace({s}, '^(?:\\+86|0086|86)(1\\d{{10}})$', '\\1'), '')"


def normalize_id(text: str | None) -> str | None:
    """An identifier (record id, case number): trimmed, full-width forms to ASCII."""
    text = clean(text)
    return to_halfwidth(text).strip(WS) or None if text is not None else None


def id_sql(expr: str) -> str:
    return f"nullif(trim({halfwidth_sql(expr)}, {WS_SQL}), '')"


# Spreadsheet formulas (ADR 0563). A cleaned text value that a spreadsheet would
# run: it starts with = or @, or with a sign followed by a letter or one of ( ! | " ' &
# ("-2+3+cmd|' /C calc'!A0"); "-2.5" and "+86 571 8888 8888" stay plain values.
FORMULA_RE = r"^([=@]|[+\-].*[A-Za-z(!|\"'&])"
# What an export escapes: any text cell starting with one of these (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet shows as text: a leading ' before = + - @ tab CR (full-width too)."""
    if isinstance(value, str) and to_halfwidth(value).startswith(FORMULA_STARTS):
        return "'" + value
    return value
