"""Unified social credit codes (GB 32100) with python-stdnum, and the same check in SQL."""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc
from stdnum.exceptions import ValidationError

from procura.standard.id_no import compact
from procura.standard.text import clean, halfwidth_sql, sql_str

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_uscc(text: str | None) -> tuple[str | None, bool | None]:
    """``(value, valid)``: upper-case compact code and True, or the trimmed input and False."""
    raw = clean(text)
    if raw is None:
        return None, None
    code = compact(raw)
    try:
        return _stdnum_uscc.validate(code), True
    except ValidationError:
        return raw, False


def compact_sql(expr: str) -> str:
    return f"upper(regexp_replace({halfwidth_sql(expr)}, '[\\t\\n\\r\\x0b\\x0c \\-]', '', 'g'))"


def valid_sql(compact_col: str) -> str:
    """DuckDB: the stdnum ``cn.uscc`` rule (8 digits, alphabet, MOD 31 check) over a column."""
    c = compact_col
    alpha = sql_str(ALPHABET)
    terms = " + ".join(f"(instr({alpha}, substr({c}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(WEIGHTS))
    return (
        f"coalesce(regexp_full_match({c}, '\\d{{8}}[0-9A-HJ-NPQRTUWXY]{{10}}') "
        f"AND right({c}, 1) = substr({alpha}, ((31 - (({terms}) % 31)) % 31) + 1, 1), false)"
    )
