"""Money, counts, booleans, region codes, ICD-10 codes and lists: Python and SQL forms.

Python functions return the normalized value, None for empty input, and raise
``ValueError`` with a readable reason for a value that cannot be read. The SQL
forms work on a column already cleaned by ``text.halfwidth_sql`` and trimmed.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from procura.standard.text import WS, clean, sql_str, to_halfwidth

MONEY_LIMIT = Decimal("1e16")
TRUE_WORDS = ("true", "t", "1", "y", "yes", "是")
FALSE_WORDS = ("false", "f", "0", "n", "no", "否")
_MONEY_NOISE = re.compile(r"[ ,¥]|RMB|CNY|元")
_MONEY_NOISE_SQL = "[ ,¥]|RMB|CNY|元"
_COUNT = re.compile(r"\d+(?:\.0+)?", re.ASCII)
_REGION12 = re.compile(r"\d{12}", re.ASCII)
_REGION6 = re.compile(r"\d{6}", re.ASCII)
_ICD_NODOT = re.compile(r"[A-Z]\d{2}[0-9A-Z]{1,4}", re.ASCII)
_ICD = re.compile(r"[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?", re.ASCII)


def _half(text: str | None) -> str | None:
    text = clean(text)
    return to_halfwidth(text).strip(WS) or None if text is not None else None


def normalize_money(text: str | None) -> Decimal | None:
    """Yuan with two decimals: ``1,234.50``, ``¥1234.5``, ``1.2万`` (= 12000.00)."""
    s = _half(text)
    if s is None:
        return None
    s = _MONEY_NOISE.sub("", s.upper())
    factor = Decimal(1)
    if s.endswith("万"):
        s, factor = s[:-1], Decimal(10_000)
    elif s.endswith("亿"):
        s, factor = s[:-1], Decimal(100_000_000)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s, re.ASCII):
        raise ValueError("not an amount")
    try:
        exact = Decimal(s) * factor
        value = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError("not an amount") from exc
    if exact < 0:
        raise ValueError("negative amount")
    if value >= MONEY_LIMIT:
        raise ValueError("amount too large")
    return value


def money_number_sql(c: str) -> str:
    """DuckDB: the amount as DECIMAL(38,6) before rounding (NULL when unreadable)."""
    s = f"regexp_replace(upper({c}), '{_MONEY_NOISE_SQL}', '', 'g')"
    number = f"regexp_replace({s}, '[万亿]$', '')"
    factor = f"CASE WHEN ends_with({s}, '万') THEN 10000 WHEN ends_with({s}, '亿') THEN 100000000 ELSE 1 END"
    return (
        f"CASE WHEN regexp_full_match({number}, '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)') "
        f"THEN try_cast({number} AS DECIMAL(38,6)) * {factor} END"
    )


def money_sql(n: str) -> str:
    return f"CASE WHEN {n} >= 0 AND {n} < {MONEY_LIMIT:f} THEN CAST(round({n}, 2) AS DECIMAL(18,2)) END"


def money_error_sql(c: str, n: str) -> str:
    return (
        f"CASE WHEN {c} IS NULL THEN NULL WHEN {n} IS NULL THEN 'not an amount' "
        f"WHEN {n} < 0 THEN 'negative amount' "
        f"WHEN {n} >= {MONEY_LIMIT:f} THEN 'amount too large' END"
    )


def normalize_count(text: str | None) -> int | None:
    """A whole number >= 0 (``1,234`` and ``12.0`` accepted)."""
    s = _half(text)
    if s is None:
        return None
    s = s.replace(",", "")
    if s.startswith("-") and _COUNT.fullmatch(s[1:]) and int(float(s[1:])) > 0:
        raise ValueError("negative count")
    if not _COUNT.fullmatch(s) or len(s.split(".")[0]) > 18:
        raise ValueError("not a whole number")
    return int(s.split(".")[0])


def count_sql(c: str) -> str:
    s = f"replace({c}, ',', '')"
    return (
        f"CASE WHEN regexp_full_match({s}, '\\d{{1,18}}(\\.0+)?') "
        f"THEN CAST(split_part({s}, '.', 1) AS BIGINT) END"
    )


def count_error_sql(c: str, v: str) -> str:
    s = f"replace({c}, ',', '')"
    return (
        f"CASE WHEN {c} IS NULL OR {v} IS NOT NULL THEN NULL "
        f"WHEN regexp_full_match({s}, '-\\d+(\\.0+)?') AND regexp_matches({s}, '[1-9]') "
        "THEN 'negative count' "
        "ELSE 'not a whole number' END"
    )


def normalize_bool(text: str | None) -> bool | None:
    """``true/false``, ``1/0``, ``Y/N``, ``是/否``, ``yes/no`` (any case)."""
    s = _half(text)
    if s is None:
        return None
    if s.lower() in TRUE_WORDS:
        return True
    if s.lower() in FALSE_WORDS:
        return False
    raise ValueError("not a yes/no value")


def bool_sql(c: str) -> str:
    # A CASE over the words, not IN lists: DuckDB plans those as joins.
    words = [(w, "true") for w in TRUE_WORDS] + [(w, "false") for w in FALSE_WORDS]
    return f"CASE lower({c}) {' '.join(f'WHEN {sql_str(w)} THEN {v}' for w, v in words)} END"


def normalize_region_code(text: str | None) -> str | None:
    """Six digits; a 12-digit statistical code gives its first six."""
    s = _half(text)
    if s is None:
        return None
    s = s.replace(" ", "")
    if _REGION12.fullmatch(s):
        return s[:6]
    if _REGION6.fullmatch(s):
        return s
    raise ValueError("not a 6- or 12-digit region code")


def region_sql(c: str) -> str:
    s = f"replace({c}, ' ', '')"
    return f"CASE WHEN regexp_full_match({s}, '\\d{{6}}|\\d{{12}}') THEN left({s}, 6) END"


def normalize_icd10(text: str | None) -> str | None:
    """Upper case with a dot after the category (``s302`` -> ``S30.2``)."""
    s = _half(text)
    if s is None:
        return None
    s = s.upper().replace(" ", "")
    if _ICD_NODOT.fullmatch(s):
        s = s[:3] + "." + s[3:]
    if not _ICD.fullmatch(s):
        raise ValueError("not an ICD-10 code")
    return s


def icd10_sql(c: str) -> str:
    s = f"replace(upper({c}), ' ', '')"
    dotted = (
        f"CASE WHEN regexp_full_match({s}, '[A-Z]\\d{{2}}[0-9A-Z]{{1,4}}') "
        f"THEN left({s}, 3) || '.' || substr({s}, 4) ELSE {s} END"
    )
    return f"CASE WHEN regexp_full_match({dotted}, '[A-Z]\\d{{2}}(\\.[0-9A-Z]{{1,4}})?') THEN {dotted} END"


def normalize_list(text: str | None) -> list[str] | None:
    """A JSON array of strings, or a ``;``-separated string."""
    s = _half(text)
    if s is None:
        return None
    if s.startswith("["):
        try:
            items = json.loads(s)
        except json.JSONDecodeError as exc:
            raise ValueError("not a JSON list") from exc
        if not isinstance(items, list):
            raise ValueError("not a JSON list")
        return [str(i) for i in items]
    return [p.strip(WS) for p in s.split(";") if p.strip(WS)]


def list_sql(c: str) -> str:
    split = f"list_filter(list_transform(string_split({c}, ';'), lambda x: trim(x)), lambda x: x <> '')"
    return (
        f"CASE WHEN {c} IS NULL THEN NULL WHEN starts_with({c}, '[') "
        f"THEN CASE WHEN json_valid({c}) AND json_type({c}) = 'ARRAY' "
        f"THEN CAST(json_extract_string({c}, '$[*]') AS VARCHAR[]) END ELSE {split} END"
    )
