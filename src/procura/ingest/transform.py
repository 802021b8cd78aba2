"""From a raw source (all text) to standard rows, in one DuckDB statement per file.

``bind`` decides which source column feeds which standard field; ``staging_sql``
builds the SELECT that normalizes every field, computes the ``_valid`` flags,
keeps unmapped columns in ``_extra``, hashes the raw row and lists every
problem of the row as ``{field, reason}`` structs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from procura.errors import InvalidInput
from procura.ingest.limits import Limits
from procura.ingest.mapping import Mapping
from procura.standard.kinds import FieldSQL, field_sql
from procura.standard.schema import Table
from procura.standard.text import FORMULA_RE as CLEAN_FORMULA_RE
from procura.standard.text import WS_SQL, clean_sql, halfwidth_sql, sql_str
from procura.warehouse.schema import q

MAX_SHOWN = 200
ROW = "_row"
# A cell that a spreadsheet would run as a formula (CSV/formula injection).
FORMULA_RE = r"^[ \t]*([=@]|[+\-][^0-9 ,.]*[(!|])"


class FileProblem(InvalidInput):
    """The file as a whole cannot be loaded (nothing of it is written)."""


@dataclass
class Binding:
    """Where each standard field's value comes from."""

    sources: dict[str, str] = field(default_factory=dict)  # field -> source column
    defaults: dict[str, str] = field(default_factory=dict)  # field -> constant
    extras: list[str] = field(default_factory=list)  # source columns kept in _extra
    columns: list[str] = field(default_factory=list)  # all source columns, in file order


def check_width(filename: str, count: int, limits: Limits) -> None:
    """FileProblem for more columns than the limit, before the rows are read."""
    if count > limits.columns:
        raise FileProblem(
            f"{filename}: {count} columns, more than the limit of {limits.columns} "
            "(setting PROCURA_INGEST_MAX_COLUMNS)"
        )


def check_header(columns: list[str], filename: str) -> None:
    """FileProblem for an empty or a repeated column name."""
    for i, col in enumerate(columns, start=1):
        if not col.strip():
            raise FileProblem(f"{filename}: header cell {i} is empty (merged or missing header cells?)")
    seen: dict[str, int] = {}
    for i, col in enumerate(columns, start=1):
        key = col.strip().lower()
        if key in seen:
            raise FileProblem(f"{filename}: duplicate column {col.strip()!r} (columns {seen[key]} and {i})")
        seen[key] = i


# Kinds stored as cleaned text: a formula in them survives to every export (ADR 0563).
TEXT_KINDS = frozenset({"id", "text", "name"})

# First characters (code points) with which a cleaned cell can match CLEAN_FORMULA_RE:
# = @ + - and their full-width forms, which clean-up turns into the half-width ones.
_FORMULA_STARTS = ", ".join(str(ord(ch)) for ch in "=@+-\uff1d\uff20\uff0b\uff0d")


def cell_problem_sql(c: str, max_chars: int, stored_as_text: bool = True) -> str:
    """SQL: why a raw cell cannot be taken whatever its field (NUL, size, formula), else NULL.

    The formula tests first look at the first character by its code (= @ + - space
    tab; after trimming, = @ + - in half or full width): the regular expressions
    then run on a few cells instead of every cell. A cell kept as text is tested
    again after clean-up (a leading newline, a full-width ＝).
    """
    cleaned = (
        f"WHEN ascii(ltrim({c}, {WS_SQL})) IN ({_FORMULA_STARTS}) "
        f"AND regexp_matches({halfwidth_sql(clean_sql(c))}, {sql_str(CLEAN_FORMULA_RE)}) "
        "THEN 'spreadsheet formula after clean-up (possible formula injection)' "
        if stored_as_text
        else ""
    )
    return (
        f"CASE WHEN contains({c}, chr(0)) THEN 'contains a NUL byte' "
        f"WHEN contains({c}, chr(65533)) THEN 'undecodable bytes (wrong encoding?)' "
        f"WHEN length({c}) > {max_chars} THEN 'value too long (' || length({c}) || ' characters, "
        f"more than the limit of {max_chars})' "
        f"WHEN ascii({c}) IN (61, 64, 43, 45, 32, 9) AND regexp_matches({c}, {sql_str(FORMULA_RE)}) "
        "THEN 'spreadsheet formula (possible formula injection)' "
        f"{cleaned}END"
    )


def bind(table: Table, columns: list[str], mapping: Mapping | None, filename: str) -> Binding:
    """Match source columns to standard fields; FileProblem when a required one is missing."""
    check_header(columns, filename)
    renames = {k.strip(): v for k, v in (mapping.columns if mapping else {}).items()}
    binding = Binding(columns=list(columns), defaults=dict(mapping.defaults) if mapping else {})
    by_name = {f.lower(): f for f in table.field_names}
    for col in columns:
        target = renames.get(col.strip()) or by_name.get(col.strip().lower())
        if target and target not in binding.sources:
            binding.sources[target] = col
        else:
            binding.extras.append(col)
    missing = [
        f.name
        for f in table.fields
        if f.required and f.name not in binding.sources and f.name not in binding.defaults
    ]
    if missing:
        raise FileProblem(
            f"{filename}: missing required column(s) {', '.join(missing)} for table {table.name}"
        )
    return binding


def _mapped(col: str, codes: dict[str, str]) -> str:
    if not codes:
        return q(col)
    cases = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in codes.items())
    return f"CASE trim({q(col)}) {cases} ELSE {q(col)} END"


def _shown(expr: str) -> str:
    """The offending value, shortened, as kept beside the reason."""
    return f"left(replace({expr}, chr(0), '\\0'), {MAX_SHOWN})"


@dataclass
class Staging:
    """The normalizing SELECT and, per problem column ``__e<i>``, its field and shown value."""

    sql: str
    checks: list[tuple[str, str]]  # (field, SQL of the offending value over the raw row ``r``)


def staging_sql(
    table: Table, binding: Binding, source: str, mapping: Mapping | None, limits: Limits | None = None
) -> Staging:
    """SELECT over ``source``: standard columns, ``_extra``, ``_row_hash``, ``__e<i>`` reasons, ``_bad``."""
    max_chars = (limits or Limits.of()).cell_chars
    codes = mapping.values if mapping else {}
    inputs: list[tuple[str, str]] = []
    built: dict[str, FieldSQL] = {}
    reasons: list[str] = []
    checks: list[tuple[str, str]] = []
    for i, f in enumerate(table.fields):
        prefix = f"__f{i}"
        if f.name in binding.sources:
            raw = f"{prefix}_in"
            inputs.append((raw, _mapped(binding.sources[f.name], codes.get(f.name, {}))))
            shown = _shown(f"r.{q(binding.sources[f.name])}")
        elif f.name in binding.defaults:
            raw = shown = sql_str(binding.defaults[f.name])
        else:
            raw, shown = "CAST(NULL AS VARCHAR)", "NULL"
        sql = field_sql(f, raw, prefix)
        built[f.name] = sql
        column = binding.sources.get(f.name)
        cell = cell_problem_sql(q(column), max_chars, f.kind in TEXT_KINDS) if column else "NULL"
        check = f"CASE WHEN ({cell}) IS NOT NULL THEN {cell} WHEN ({sql.error}) IS NOT NULL THEN {sql.error}"
        if f.required:
            check += f" WHEN ({sql.value}) IS NULL THEN 'required field is empty'"
        reasons.append(check + " END")
        checks.append((f.name, shown))
    for col in binding.extras:
        reasons.append(cell_problem_sql(q(col), max_chars))
        checks.append((col.strip(), _shown(f"r.{q(col)}")))
    depth = max((len(s.layers) for s in built.values()), default=0)
    steps = [f"SELECT *{''.join(f', {e} AS {a}' for a, e in inputs)} FROM {source}"]
    for level in range(depth):
        exprs = [f"{e} AS {a}" for s in built.values() if level < len(s.layers) for a, e in s.layers[level]]
        steps.append(
            f"SELECT *, {', '.join(exprs)} FROM __s{level}" if exprs else f"SELECT * FROM __s{level}"
        )
    ctes = ", ".join(f"__s{i} AS ({body})" for i, body in enumerate(steps))
    out = [ROW]
    for f in table.fields:
        out.append(f"{built[f.name].value} AS {q(f.name)}")
        if f.flagged:
            out.append(f"{built[f.name].valid} AS {q(f.name + '_valid')}")
    if binding.extras:
        pairs = ", ".join(f"{sql_str(c.strip())}, {q(c)}" for c in binding.extras)
        out.append(f"json_object({pairs}) AS _extra")
    else:
        out.append("CAST(NULL AS JSON) AS _extra")
    hashed = ", ".join(f"coalesce({q(c)}, chr(30))" for c in binding.columns) or "''"
    out.append(f"md5(concat_ws(chr(31), {hashed})) AS _row_hash")
    out.extend(f"{r} AS __e{i}" for i, r in enumerate(reasons))
    bad = " OR ".join(f"__e{i} IS NOT NULL" for i in range(len(reasons))) or "false"
    select = f"WITH {ctes} SELECT *, ({bad}) AS _bad FROM (SELECT {', '.join(out)} FROM __s{len(steps) - 1})"
    return Staging(select, checks)
