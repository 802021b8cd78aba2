"""Mentions out of the warehouse, normalized for linking.

Writes two bookkeeping tables into the warehouse:

* ``_link_input``: one row per mention (table, record key, role, kind) with its
  normalized fields, the *profile* it belongs to and the stage-one *node*;
* ``_link_profiles``: the distinct person profiles the probabilistic stage
  compares. Mentions with exactly the same informative fields share a profile
  (the same patient on every visit), so Splink compares each profile once.

A node is what stage one already knows to be one entity: all mentions with the
same valid identity number (or USCC), an organisation's normalized name, or
else a single profile.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pyarrow as pa

from procura.errors import WarehouseError
from procura.link import names
from procura.link.judgements import ensure_table
from procura.link.roles import Role, load_roles
from procura.standard.id_no import compact_sql, id18_sql
from procura.warehouse import probes


def present_roles(con: duckdb.DuckDBPyConnection) -> list[Role]:
    """The roles whose table exists in the warehouse (absent tables are skipped)."""
    columns = probes.all_columns(con)
    roles = []
    for role in load_roles():
        if role.table not in columns:
            continue
        # The record's date is context only (ADR 0311): a table without it still links.
        if "date" in role.fields and not set(role.fields["date"]) <= columns[role.table]:
            role = replace(role, fields={k: v for k, v in role.fields.items() if k != "date"})
        missing = role.columns() - columns[role.table]
        if missing:
            raise WarehouseError(f"warehouse table {role.table}: missing columns {sorted(missing)}")
        roles.append(role)
    return roles


def _register_names(con: duckdb.DuckDBPyConnection) -> None:
    """Normalize every distinct raw name once, in Python (pinyin needs pypinyin)."""
    rows = con.execute("SELECT DISTINCT name_raw, kind FROM _lk_raw WHERE name_raw IS NOT NULL").fetchall()
    raw, kinds, norm, py = [], [], [], []
    for name_raw, kind in rows:
        value = names.org_name(name_raw) if kind == "org" else names.person_name(name_raw)
        raw.append(name_raw)
        kinds.append(kind)
        norm.append(value)
        py.append(names.pinyin(value) if kind == "person" else None)
    table = pa.table(
        {"name_raw": raw, "kind": kinds, "name": norm, "name_py": py},
        schema=pa.schema([(c, pa.string()) for c in ("name_raw", "kind", "name", "name_py")]),
    )
    con.register("_lk_names", table)


_PHONE = "regexp_replace(r.phone, '[^0-9]', '', 'g')"
# A number that failed the check is still evidence (a clerk's typo): compared in the
# canonical spelling, half-width, upper-case, without separators, 15 digits as 18.
_ID_COMPACT = id18_sql(compact_sql("id_no"))
# A birth date read from digits 7-14 of a valid number (a broken number's digits may hold the typo).
_ID_DATE = (
    "CASE WHEN r.id_valid THEN "
    "TRY_CAST(TRY_STRPTIME(substr(r.id_no, 7, 8), '%Y%m%d') AS DATE) END"
)

# Two statements, not one: ``numbered`` is read four times below, and as a CTE DuckDB
# computed it (names joined, fingerprints hashed, the row_number sort) once per read.
_NUMBERED_SQL = f"""
CREATE OR REPLACE TEMP TABLE _lk_numbered AS
WITH m AS (
    SELECT r.table_name, r.record_key, r.role, r.kind, r.name_raw,
           n.name, n.name_py,
           CASE WHEN r.kind = 'person' THEN upper(r.id_no) END AS id_no,
           r.kind = 'person' AND COALESCE(r.id_valid, FALSE) AS id_valid,
           CASE WHEN r.kind = 'org' THEN upper(r.uscc) END AS uscc,
           r.kind = 'org' AND COALESCE(r.uscc_valid, FALSE) AS uscc_valid,
           CASE WHEN r.kind = 'person' THEN COALESCE(r.birth_date,
                CASE WHEN {_ID_DATE} BETWEEN DATE '1900-01-01' AND current_date THEN {_ID_DATE} END)
           END AS birth_date,
           CASE WHEN r.kind <> 'person' THEN NULL
                WHEN upper(r.sex) IN ('M', 'F') THEN upper(r.sex)
                WHEN r.id_valid THEN
                     CASE WHEN TRY_CAST(substr(r.id_no, 17, 1) AS INTEGER) % 2 = 1 THEN 'M' ELSE 'F' END
           END AS sex,
           CASE WHEN length({_PHONE}) = 13 AND {_PHONE} LIKE '861%' THEN substr({_PHONE}, 3)
                WHEN length({_PHONE}) = 15 AND {_PHONE} LIKE '00861%' THEN substr({_PHONE}, 5)
                ELSE NULLIF({_PHONE}, '') END AS phone,
           NULLIF(regexp_replace(r.address, '\\s', '', 'g'), '') AS address,
           CASE WHEN length(r.region) >= 6 THEN substr(r.region, 1, 6) END AS region,
           CASE WHEN r.kind = 'org' THEN lower(regexp_replace(r.alias, '\\s', '', 'g')) END AS alias,
           r.record_date
    FROM (SELECT * REPLACE (CASE WHEN kind = 'person' AND NOT COALESCE(id_valid, FALSE)
                                 THEN NULLIF({_ID_COMPACT}, '') ELSE id_no END AS id_no) FROM _lk_raw) r
    LEFT JOIN _lk_names n ON n.name_raw = r.name_raw AND n.kind = r.kind
)
SELECT row_number() OVER (ORDER BY table_name, record_key, role) AS mention_id, *,
       -- Identical informative person fields: one profile. Name-only mentions stay alone,
       -- and so do mentions a reviewer judged different from another.
       CASE WHEN kind = 'person' AND (id_no IS NOT NULL OR birth_date IS NOT NULL OR phone IS NOT NULL)
                 AND table_name || ':' || record_key || ':' || role NOT IN (SELECT ref FROM _lk_apart)
            THEN md5(concat_ws('\x1f', name, id_no, birth_date, sex, phone, address, region)) END AS fp
FROM m
"""

_MENTIONS_SQL = """
CREATE OR REPLACE TABLE _link_input AS
WITH numbered AS (SELECT * FROM _lk_numbered),
org_names AS (   -- a normalized org name that belongs to exactly one valid USCC
    SELECT name, min(uscc) AS uscc FROM numbered WHERE kind = 'org' AND uscc_valid AND name IS NOT NULL
    GROUP BY name HAVING count(DISTINCT uscc) = 1
),
org_resolved AS (   -- org mentions whose USCC is known, directly or through their name
    SELECT n.alias, CASE WHEN n.uscc_valid THEN n.uscc ELSE o.uscc END AS uscc
    FROM numbered n LEFT JOIN org_names o ON NOT n.uscc_valid AND o.name = n.name
    WHERE n.kind = 'org' AND n.alias IS NOT NULL
),
org_aliases AS (   -- an alias (app name) whose resolved mentions all name one USCC
    SELECT alias, min(uscc) AS uscc FROM org_resolved GROUP BY alias HAVING count(DISTINCT uscc) = 1
),
profiles AS (   -- the first mention of each shared profile (a group-by: cheaper than a window)
    SELECT fp, min(mention_id) AS first_mention FROM numbered WHERE fp IS NOT NULL GROUP BY fp
)
SELECT n.*,
       CASE WHEN n.kind = 'person' THEN COALESCE(p.first_mention, n.mention_id) END AS profile_id,
       CASE WHEN n.kind = 'person' AND n.id_valid THEN 'person/id:' || n.id_no
            WHEN n.kind = 'person' THEN 'person/pf:' || COALESCE(p.first_mention, n.mention_id)
            WHEN n.uscc_valid THEN 'org/uscc:' || n.uscc
            WHEN o.uscc IS NOT NULL THEN 'org/uscc:' || o.uscc
            WHEN a.uscc IS NOT NULL THEN 'org/uscc:' || a.uscc
            WHEN n.name IS NOT NULL THEN 'org/name:' || n.name
            ELSE 'org/raw:' || n.uscc END AS node_key
FROM numbered n LEFT JOIN org_names o ON n.kind = 'org' AND NOT n.uscc_valid AND o.name = n.name
LEFT JOIN org_aliases a ON n.kind = 'org' AND NOT n.uscc_valid AND a.alias = n.alias
LEFT JOIN profiles p ON p.fp = n.fp
"""

_PROFILES_SQL = """
CREATE OR REPLACE TABLE _link_profiles AS
SELECT profile_id AS unique_id, any_value(node_key) AS node_key,
       any_value(name) AS name, any_value(name_py) AS name_py,
       any_value(substr(name, 1, 1)) AS surname,
       any_value(id_no) AS id_no, bool_or(id_valid) AS has_id,
       any_value(birth_date) AS birth_date, any_value(sex) AS sex,
       any_value(phone) AS phone, any_value(address) AS address, any_value(region) AS region,
       count(*) AS n_mentions
FROM _link_input WHERE kind = 'person'
GROUP BY profile_id
"""


def extract(con: duckdb.DuckDBPyConnection) -> int:
    """Build ``_link_input`` and ``_link_profiles`` from the warehouse; return the mention count."""
    roles = present_roles(con)
    union = " UNION ALL ".join(role.select_sql() for role in roles)
    if not union:
        union = (
            "SELECT NULL::VARCHAR table_name, NULL::VARCHAR record_key, NULL::VARCHAR role, "
            "NULL::VARCHAR kind, NULL::VARCHAR name_raw, NULL::VARCHAR id_no, NULL::BOOLEAN id_valid, "
            "NULL::VARCHAR uscc, NULL::BOOLEAN uscc_valid, NULL::DATE birth_date, NULL::VARCHAR sex, "
            "NULL::VARCHAR phone, NULL::VARCHAR address, NULL::VARCHAR region, NULL::VARCHAR alias, "
            "NULL::DATE record_date "
            "WHERE FALSE"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _lk_raw AS {union}")
    _register_names(con)
    ensure_table(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _lk_apart AS SELECT unnest([left_ref, right_ref]) AS ref "
        "FROM _link_judgements WHERE decision = 'different'"
    )
    con.execute(_NUMBERED_SQL)
    con.execute(_MENTIONS_SQL)
    con.execute(_PROFILES_SQL)
    con.unregister("_lk_names")
    con.execute("DROP TABLE _lk_numbered")
    con.execute("DROP TABLE _lk_raw")
    con.execute("DROP TABLE _lk_apart")
    row = con.execute("SELECT count(*) FROM _link_input").fetchone()
    return int(row[0]) if row else 0
