"""The review queue: pairs the model is unsure about.

Lists scored pairs of the last run whose probability falls in the review band
``[low, high)`` and that nobody has judged yet, most uncertain first
(closest to 0.5). Identity numbers and phones are masked unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from procura.link.judgements import MentionRef, ensure_table
from procura.warehouse import probes


@dataclass(frozen=True)
class Side:
    """One mention of a pair, as a reviewer sees it."""

    ref: MentionRef
    name: str | None
    id_no: str | None
    birth_date: date | None
    sex: str | None
    phone: str | None
    entity_id: str | None


@dataclass(frozen=True)
class ReviewPair:
    """An uncertain pair with its model probability."""

    left: Side
    right: Side
    probability: float

    @property
    def same_entity(self) -> bool:
        return self.left.entity_id is not None and self.left.entity_id == self.right.entity_id


def mask(value: str | None, keep_start: int, keep_end: int) -> str | None:
    """``330102********1234``: personal numbers shown only in part."""
    if value is None or len(value) <= keep_start + keep_end:
        return value
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


_SIDE = "{a}.table_name, {a}.record_key, {a}.role, {a}.name_raw, {a}.id_no, {a}.birth_date, {a}.sex, " \
        "{a}.phone, {e}.entity_id"

_QUERY = f"""
WITH judged AS (
    SELECT least(a.profile_id, b.profile_id) AS pl, greatest(a.profile_id, b.profile_id) AS pr
    FROM _link_judgements j
    JOIN _link_input a ON j.left_ref = a.table_name || ':' || a.record_key || ':' || a.role
    JOIN _link_input b ON j.right_ref = b.table_name || ':' || b.record_key || ':' || b.role
)
SELECT p.match_probability, {_SIDE.format(a="a", e="ea")}, {_SIDE.format(a="b", e="eb")}
FROM _link_pairs p
JOIN _link_input a ON a.mention_id = p.unique_id_l
JOIN _link_input b ON b.mention_id = p.unique_id_r
LEFT JOIN mentions ea ON ea.table_name = a.table_name AND ea.record_key = a.record_key AND ea.role = a.role
LEFT JOIN mentions eb ON eb.table_name = b.table_name AND eb.record_key = b.record_key AND eb.role = b.role
WHERE p.match_probability >= ? AND p.match_probability < ?
  AND NOT EXISTS (SELECT 1 FROM judged j WHERE j.pl = least(p.unique_id_l, p.unique_id_r)
                                          AND j.pr = greatest(p.unique_id_l, p.unique_id_r))
ORDER BY abs(p.match_probability - 0.5), p.unique_id_l, p.unique_id_r
LIMIT ?
"""


def _side(values: tuple, unmask: bool) -> Side:  # type: ignore[type-arg]
    table, key, role, name, id_no, birth, sex, phone, entity = values
    return Side(
        ref=MentionRef(table, key, role), name=name,
        id_no=id_no if unmask else mask(id_no, 6, 4), birth_date=birth, sex=sex,
        phone=phone if unmask else mask(phone, 3, 4), entity_id=entity,
    )


def uncertain_pairs(
    con: duckdb.DuckDBPyConnection, low: float, high: float, limit: int = 50, unmask: bool = False
) -> list[ReviewPair]:
    """Unjudged pairs of the last run with ``low <= probability < high``."""
    if not 0.0 <= low < high <= 1.0:
        raise ValueError(f"review band [{low}, {high}): need 0 <= low < high <= 1")
    ensure_table(con)
    if not probes.has_table(con, "_link_pairs"):
        return []
    rows = con.execute(_QUERY, [low, high, limit]).fetchall()
    return [ReviewPair(_side(r[1:10], unmask), _side(r[10:19], unmask), float(r[0])) for r in rows]
