"""Entity ids that stay put, and the ``mentions`` / ``entities`` tables.

A new cluster inherits the id of the previous run's entity it overlaps most
(and that overlaps it most); otherwise it gets a fresh id, a hash of its member
mentions, so the same data linked twice from scratch gives the same ids.
Person ids start with ``P-``, organisation ids with ``O-``.
"""

from __future__ import annotations

import duckdb

from procura.warehouse import probes

_REF = "table_name || ':' || record_key || ':' || role"

_ASSIGN_IDS = f"""
CREATE OR REPLACE TEMP TABLE _lk_ids AS
WITH fresh AS (
    SELECT cluster, any_value(kind) AS kind,
           CASE WHEN any_value(kind) = 'person' THEN 'P-' ELSE 'O-' END
             || substr(md5(string_agg({_REF}, chr(10) ORDER BY {_REF})), 1, 16) AS fresh_id
    FROM _lk_assign GROUP BY cluster
),
overlap AS (
    SELECT a.cluster, o.entity_id, count(*) AS n
    FROM _lk_assign a JOIN {{previous}} o
      ON o.table_name = a.table_name AND o.record_key = a.record_key AND o.role = a.role
         AND o.kind = a.kind
    GROUP BY a.cluster, o.entity_id
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, cluster) AS by_entity,
              row_number() OVER (PARTITION BY cluster ORDER BY n DESC, entity_id) AS by_cluster
    FROM overlap
),
inherited AS (SELECT cluster, entity_id FROM ranked WHERE by_entity = 1 AND by_cluster = 1)
SELECT f.cluster,
       CASE WHEN i.entity_id IS NOT NULL THEN i.entity_id
            -- a fresh hash that an inherited id already uses (an old member set reappearing)
            WHEN f.fresh_id IN (SELECT entity_id FROM inherited) THEN f.fresh_id || '-' || f.cluster
            ELSE f.fresh_id END AS entity_id
FROM fresh f LEFT JOIN inherited i USING (cluster)
"""

_WRITE_MENTIONS = """
CREATE OR REPLACE TABLE mentions AS
SELECT a.table_name, a.record_key, a.role, a.kind, i.entity_id, a.probability, a.rule
FROM _lk_assign a JOIN _lk_ids i USING (cluster)
"""

_WRITE_ENTITIES = """
CREATE OR REPLACE TABLE entities AS
SELECT i.entity_id, any_value(m.kind) AS kind,
       mode(m.name_raw) AS name,
       mode(m.id_no) FILTER (WHERE m.id_valid) AS id_no,
       mode(m.uscc) FILTER (WHERE m.uscc_valid) AS uscc,
       mode(m.birth_date) AS birth_date, mode(m.sex) AS sex, mode(m.phone) AS phone,
       count(*) AS mentions
FROM _lk_assign a JOIN _lk_ids i USING (cluster) JOIN _link_input m USING (mention_id)
GROUP BY i.entity_id
"""


def _has_previous(con: duckdb.DuckDBPyConnection) -> bool:
    return {"entity_id", "kind", "record_key"} <= set(probes.columns(con, "mentions"))


def write_entities(con: duckdb.DuckDBPyConnection) -> None:
    """From ``_lk_assign`` (one row per mention with its cluster) write mentions and entities."""
    previous = (
        "mentions"
        if _has_previous(con)
        else "(SELECT NULL::VARCHAR table_name, NULL::VARCHAR record_key, NULL::VARCHAR role, "
        "NULL::VARCHAR kind, NULL::VARCHAR entity_id WHERE FALSE)"
    )
    con.execute(_ASSIGN_IDS.format(previous=previous))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(_WRITE_MENTIONS)
        con.execute(_WRITE_ENTITIES)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("DROP TABLE _lk_ids")
