"""Per-kind normalization of a standard field, as a Python call and as DuckDB SQL.

``normalize(field, text)`` reads one value. ``field_sql(field, raw, prefix)``
gives the SQL that reads a whole column in steps (``FieldSQL.layers``, each a
list of ``alias, expression`` evaluated on top of the previous step), the
final value, the reason a non-empty value is rejected (NULL when accepted) and
for ``id_no``/``uscc`` the ``_valid`` flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from procura.standard import dates, id_no, text, uscc, values
from procura.standard.schema import Field
from procura.standard.text import sql_str

UNKNOWN_ENUM = "unknown value (not in the standard's list for this field)"
_ENUM_SEP = re.compile(r"[ \t\n\r\x0b\x0c\-]+")


@dataclass
class FieldSQL:
    """The SQL that normalizes one field over a whole column."""

    layers: list[list[tuple[str, str]]] = field(default_factory=list)
    value: str = "NULL"
    error: str = "NULL"
    valid: str | None = None


def enum_key(s: str) -> str:
    """Case-, space- and hyphen-insensitive key of an enum value."""
    return _ENUM_SEP.sub("_", s.lower())


def _enum_table(f: Field) -> dict[str, str]:
    table = {enum_key(v): v for v in f.values}
    table.update({enum_key(k): v for k, v in f.aliases.items()})
    return table


def normalize(f: Field, raw: str | None) -> Any:
    """One value of field ``f``; ValueError with a reason when it cannot be read."""
    kind = f.kind
    if kind in ("id_no", "uscc"):
        return (id_no.normalize_id_no if kind == "id_no" else uscc.normalize_uscc)(raw)[0]
    simple = {
        "id": text.normalize_id,
        "text": text.clean,
        "name": text.normalize_name,
        "phone": text.normalize_phone,
        "date": dates.parse_date,
        "timestamp": dates.parse_timestamp,
        "money": values.normalize_money,
        "count": values.normalize_count,
        "bool": values.normalize_bool,
        "region_code": values.normalize_region_code,
        "icd10": values.normalize_icd10,
        "list": values.normalize_list,
    }
    if kind in simple:
        return simple[kind](raw)  # type: ignore[operator]
    s = text.normalize_id(raw)
    if s is None:
        return None
    key = enum_key(s)
    found = _enum_table(f).get(key)
    if found is None and not f.open:
        raise ValueError(UNKNOWN_ENUM)
    return found or key


def field_sql(f: Field, raw: str, prefix: str) -> FieldSQL:
    """The SQL for field ``f`` read from column expression ``raw``; aliases start with ``prefix``."""
    c = f"{prefix}_c"
    kind = f.kind
    half = f"nullif(trim({text.halfwidth_sql(raw)}, {text.WS_SQL}), '')"
    if kind in ("id", "text", "name", "phone"):
        expr = {"id": text.id_sql, "text": text.clean_sql, "name": text.name_sql, "phone": text.phone_sql}
        return FieldSQL(value=expr[kind](raw))
    if kind in ("id_no", "uscc"):
        trimmed = text.clean_sql(raw)
        n, d = f"{prefix}_n", f"{prefix}_d"
        if kind == "id_no":
            cand, digits = id_no.id18_sql(id_no.compact_sql(c)), id_no.digits_sql(n)
            valid = id_no.valid_sql(n, d)
        else:
            cand, digits = uscc.compact_sql(c), "NULL"
            valid = uscc.valid_sql(n)
        return FieldSQL(
            layers=[
                [(c, trimmed)],
                [(n, cand)],
                [(d, digits)],
                [(f"{prefix}_v", f"CASE WHEN {c} IS NOT NULL THEN {valid} END")],
            ],
            value=f"CASE WHEN {prefix}_v THEN {prefix}_n ELSE {c} END",
            valid=f"{prefix}_v",
        )
    if kind in ("date", "timestamp"):
        fast, g, t = f"{prefix}_f", f"{prefix}_g", f"{prefix}_t"
        stamp = dates.in_range_sql(t)
        return FieldSQL(
            layers=[
                [(c, half)],
                [(fast, dates.fast_sql(c))],
                [(g, f"CASE WHEN {fast} IS NULL THEN {dates.parts_sql(c)} END")],
                [(t, f"coalesce({fast}, {dates.stamp_sql(c, g)})")],
            ],
            value=f"CAST({stamp} AS DATE)" if kind == "date" else stamp,
            error=dates.error_sql(c, g, t),
        )
    if kind == "money":
        n = f"{prefix}_n"
        return FieldSQL(
            layers=[[(c, half)], [(n, values.money_number_sql(c))]],
            value=values.money_sql(n),
            error=values.money_error_sql(c, n),
        )
    if kind == "count":
        v = f"{prefix}_v"
        return FieldSQL(
            layers=[[(c, half)], [(v, values.count_sql(c))]], value=v, error=values.count_error_sql(c, v)
        )
    if kind == "enum":
        return _enum_sql(f, half, prefix)
    one = {
        "bool": (values.bool_sql, "not a yes/no value"),
        "region_code": (values.region_sql, "not a 6- or 12-digit region code"),
        "icd10": (values.icd10_sql, "not an ICD-10 code"),
        "list": (values.list_sql, "not a JSON list"),
    }
    build, reason = one[kind]
    v = f"{prefix}_v"
    return FieldSQL(
        layers=[[(c, half)], [(v, build(c))]],
        value=v,
        error=f"CASE WHEN {c} IS NOT NULL AND {v} IS NULL THEN {sql_str(reason)} END",
    )


def _enum_sql(f: Field, half: str, prefix: str) -> FieldSQL:
    c, k = f"{prefix}_c", f"{prefix}_k"
    key = f"regexp_replace(lower({c}), '[\\t\\n\\r\\x0b\\x0c \\-]+', '_', 'g')"
    cases = " ".join(f"WHEN {sql_str(a)} THEN {sql_str(b)}" for a, b in _enum_table(f).items())
    known = f"CASE {k} {cases} END"
    if f.open:
        return FieldSQL(layers=[[(c, half)], [(k, key)]], value=f"coalesce({known}, {k})")
    reason = sql_str(UNKNOWN_ENUM)
    return FieldSQL(
        layers=[[(c, half)], [(k, key)]],
        value=known,
        error=f"CASE WHEN {c} IS NOT NULL AND ({known}) IS NULL THEN {reason} END",
    )
