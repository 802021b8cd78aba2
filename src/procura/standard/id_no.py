"""PRC resident identity numbers (GB 11643): normalize, check, and the same in SQL.

A number is valid when it has 17 digits and a check character that matches
the ISO 7064 MOD 11-2 checksum, and digits 7-14 are a real birth date between
1900-01-01 and today. 15-digit legacy numbers (birth year ``YY`` in the 1900s)
are converted to 18 digits. The area code (digits 1-6) is not part of validity:
codes are retired and renumbered, so an unknown area is only a soft warning
(``area_known``). Invalid numbers are kept as given and flagged, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re

from procura import clock
from procura.standard import regions
from procura.standard.text import clean, halfwidth_sql, sql_str, to_halfwidth

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
MIN_BIRTH = dt.date(1900, 1, 1)
_SEPARATORS = re.compile(r"[ \t\n\r\x0b\x0c\-]")
_ID18 = re.compile(r"\d{17}[\dX]", re.ASCII)
_ID15 = re.compile(r"\d{15}", re.ASCII)


def check_char(first17: str) -> str:
    """The GB 11643 check character of 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def compact(text: str) -> str:
    """Upper-case ASCII form without spaces or hyphens."""
    return _SEPARATORS.sub("", to_halfwidth(text)).upper()


def _birth(digits8: str, today: dt.date | None = None) -> dt.date | None:
    try:
        born = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    return born if MIN_BIRTH <= born <= (today or clock.today()) else None


def normalize_id_no(text: str | None) -> tuple[str | None, bool | None]:
    """``(value, valid)``: the 18-character form and True, or the trimmed input and False.

    Empty input gives ``(None, None)``.
    """
    raw = clean(text)
    if raw is None:
        return None, None
    number = compact(raw)
    if _ID15.fullmatch(number):
        number = number[:6] + "19" + number[6:]
        number += check_char(number)
    if _ID18.fullmatch(number) and number[17] == check_char(number[:17]) and _birth(number[6:14]):
        return number, True
    return raw, False


def id_no_birth_date(value: str | None) -> dt.date | None:
    """The birth date in a valid 18-character number (digits 7-14), else None."""
    if not value or not _ID18.fullmatch(value):
        return None
    return _birth(value[6:14])


def id_no_sex(value: str | None) -> str | None:
    """``M`` or ``F`` from digit 17 of an 18-character number."""
    if not value or not _ID18.fullmatch(value):
        return None
    return "M" if int(value[16]) % 2 else "F"


def area_known(value: str | None) -> bool:
    """True when the number's first six digits are a current GB/T 2260 code (a soft check)."""
    return bool(value) and regions.is_known(value[:6])  # type: ignore[index]


# --- SQL -------------------------------------------------------------------


def compact_sql(expr: str) -> str:
    """DuckDB: upper-case ASCII without spaces/hyphens."""
    return f"upper(regexp_replace({halfwidth_sql(expr)}, '[\\t\\n\\r\\x0b\\x0c \\-]', '', 'g'))"


def _checksum_sql(s: str) -> str:
    terms = " + ".join(f"(ascii(substr({s}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr({sql_str(CHECK_CHARS)}, (({terms}) % 11) + 1, 1)"


def _birth_ok_sql(s: str) -> str:
    born = f"try_strptime(substr({s}, 7, 8), '%Y%m%d')"
    return f"coalesce({born}::DATE BETWEEN DATE '{MIN_BIRTH}' AND current_date, false)"


def id18_sql(compact_col: str) -> str:
    """DuckDB: the 18-character candidate (15-digit numbers converted) of a compacted column."""
    c = compact_col
    p17 = f"(left({c}, 6) || '19' || substr({c}, 7))"
    return f"CASE WHEN regexp_full_match({c}, '\\d{{15}}') THEN {p17} || {_checksum_sql(p17)} ELSE {c} END"


def digits_sql(id18_col: str) -> str:
    """DuckDB: the first 17 digits as a BIGINT when the candidate has the 18-character form, else NULL."""
    s = id18_col
    return f"CASE WHEN regexp_full_match({s}, '\\d{{17}}[\\dX]') THEN CAST(left({s}, 17) AS BIGINT) END"


def valid_sql(id18_col: str, digits_col: str) -> str:
    """DuckDB: TRUE when an 18-character candidate column is a valid number.

    ``digits_col`` is ``digits_sql`` of the same candidate: the checksum is
    computed with integer arithmetic on it, which is five times faster in
    DuckDB than taking 17 substrings.
    """
    s, n = id18_col, digits_col
    terms = " + ".join(f"(({n} // {10 ** (16 - i)}) % 10) * {w}" for i, w in enumerate(WEIGHTS))
    check = f"substr({sql_str(CHECK_CHARS)}, CAST(({terms}) % 11 AS INTEGER) + 1, 1)"
    return f"coalesce({n} IS NOT NULL AND right({s}, 1) = {check} AND {_birth_ok_sql(s)}, false)"


def birth_date_sql(expr: str) -> str:
    """DuckDB: birth date of a valid 18-character id_no column (NULL otherwise)."""
    return (
        f"CASE WHEN regexp_full_match({expr}, '\\d{{17}}[\\dX]') "
        f"THEN try_strptime(substr({expr}, 7, 8), '%Y%m%d')::DATE END"
    )


__all__ = [
    "area_known",
    "birth_date_sql",
    "check_char",
    "compact",
    "compact_sql",
    "digits_sql",
    "id18_sql",
    "id_no_birth_date",
    "id_no_sex",
    "normalize_id_no",
    "valid_sql",
]
