"""Dates and timestamps in every form the standard accepts, in Python and in SQL.

Accepted: ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D``, ``YYYYMMDD``,
``YYYY年M月D日``, ISO datetimes (``T`` or space, optional seconds, fraction
and offset), and Excel serial numbers (days since 1899-12-30, fraction =
time of day). Years must lie in 1900-2100. Impossible dates such as
``2024-02-30`` are errors, never rolled over. Offsets are converted to China
Standard Time (UTC+8), the time zone of the records.
"""

from __future__ import annotations

import datetime as dt
import re

from procura.standard.text import WS, clean, to_halfwidth

EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100
CST_MINUTES = 480
PATTERN = (
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:(?:[ T]+|日)?(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?"
    r" *(Z|[+-]\d{2}(?::?\d{2})?)?"
)
_DATE = re.compile(PATTERN, re.ASCII)
_COMPACT = re.compile(r"\d{8}", re.ASCII)
_SERIAL = re.compile(r"\d{1,5}(?:\.\d+)?", re.ASCII)


def _offset_minutes(tz: str | None) -> int:
    if not tz or tz == "Z":
        return 0 if tz == "Z" else CST_MINUTES
    digits = tz[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    return minutes if tz[0] == "+" else -minutes


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """A naive China-time timestamp; None when empty; ValueError when not a date."""
    s = clean(text)
    if s is None:
        return None
    s = to_halfwidth(s).strip(WS)
    if not s:
        return None
    if _COMPACT.fullmatch(s):
        result = dt.datetime.strptime(s, "%Y%m%d") if _real(s[:4], s[4:6], s[6:]) else None
    elif _SERIAL.fullmatch(s):
        days = float(s)
        result = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=days)
        result = result.replace(microsecond=0)
    elif m := _DATE.fullmatch(s):
        y, mo, d, hh, mi, ss, tz = m.groups()
        if not _real(y, mo, d) or int(hh or 0) > 23 or int(mi or 0) > 59 or int(ss or 0) > 59:
            raise ValueError(f"impossible date {s!r}")
        result = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
        result += dt.timedelta(minutes=CST_MINUTES - _offset_minutes(tz)) if tz else dt.timedelta()
    else:
        raise ValueError(f"not a date {s!r}")
    if result is None:
        raise ValueError(f"impossible date {s!r}")
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise ValueError(f"date out of range {s!r}")
    return result


def parse_date(text: str | None) -> dt.date | None:
    """A date; None when empty; ValueError naming the problem otherwise."""
    stamp = parse_timestamp(text)
    return stamp.date() if stamp else None


def _real(y: str, m: str, d: str) -> bool:
    try:
        dt.date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


# --- SQL -------------------------------------------------------------------
# The SQL forms come in steps so that DuckDB evaluates the regular expression
# once per value: ``parts_sql`` -> ``stamp_sql`` -> ``in_range_sql``.


def fast_sql(c: str) -> str:
    """DuckDB: the common ``YYYY-MM-DD`` and ``YYYY-MM-DD HH:MM:SS`` forms by a plain cast (else NULL)."""
    return (
        f"CASE WHEN length({c}) IN (10, 19) AND substr({c}, 5, 1) = '-' AND substr({c}, 8, 1) = '-' "
        f"AND regexp_full_match({c}, '\\d{{4}}-\\d\\d-\\d\\d([ T]\\d\\d:\\d\\d:\\d\\d)?') "
        f"THEN try_cast({c} AS TIMESTAMP) END"
    )


def parts_sql(c: str) -> str:
    """DuckDB: the pattern's parts as a struct, from a cleaned text column."""
    return f"regexp_extract({c}, '^{PATTERN}$', ['y','m','d','hh','mi','ss','tz'])"


def stamp_sql(c: str, g: str) -> str:
    """DuckDB: the TIMESTAMP (year unchecked) from a cleaned column and its parts struct."""
    composed = (
        f"try_strptime({g}.y || '-' || {g}.m || '-' || {g}.d || ' ' || coalesce(nullif({g}.hh, ''), '0') "
        f"|| ':' || coalesce(nullif({g}.mi, ''), '0') || ':' || coalesce(nullif({g}.ss, ''), '0'), "
        "'%Y-%m-%d %H:%M:%S')"
    )
    tz_digits = f"replace({g}.tz, ':', '')"
    shift = (
        f"CASE WHEN {g}.tz = '' THEN 0 WHEN {g}.tz = 'Z' THEN {CST_MINUTES} ELSE {CST_MINUTES} - "
        f"(CASE WHEN left({g}.tz, 1) = '-' THEN -1 ELSE 1 END) * "
        f"(CAST(substr({tz_digits}, 2, 2) AS INTEGER) * 60 "
        f"+ coalesce(try_cast(substr({tz_digits}, 4, 2) AS INTEGER), 0)) END"
    )
    return (
        f"CASE WHEN {c} IS NULL THEN NULL "
        f"WHEN regexp_full_match({c}, '\\d{{8}}') THEN try_strptime({c}, '%Y%m%d') "
        f"WHEN regexp_full_match({c}, '\\d{{1,5}}(\\.\\d+)?') THEN TIMESTAMP '{EXCEL_EPOCH} 00:00:00' "
        f"+ to_microseconds(CAST(round(CAST({c} AS DOUBLE) * 86400) AS BIGINT) * 1000000) "
        f"WHEN {g}.y = '' THEN NULL "
        f"ELSE {composed} + to_minutes(({shift})::BIGINT) END"
    )


def in_range_sql(t: str) -> str:
    """DuckDB: the timestamp when its year is in range, else NULL."""
    return f"CASE WHEN year({t}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN {t} END"


def error_sql(c: str, g: str, t: str) -> str:
    """DuckDB: why a non-empty value is not a date (NULL when it is one)."""
    return (
        f"CASE WHEN {c} IS NULL THEN NULL "
        f"WHEN {t} IS NOT NULL AND year({t}) NOT BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN 'date out of range' "
        f"WHEN {t} IS NOT NULL THEN NULL "
        f"WHEN regexp_full_match({c}, '\\d{{8}}') OR coalesce({g}.y, '') <> '' THEN 'impossible date' "
        "ELSE 'not a date' END"
    )
