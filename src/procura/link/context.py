"""The record's context when a mention with little more than a name attaches (ADR 0311).

A name-only mention ("张伟", suspect of a police report) may attach to the one
person of that name the warehouse knows (ADR 0302). The pair score compares
the two mentions' own fields; a prosecutor also weighs the records around
them. For a candidate cluster this module reads three kinds of context:

* **region** — the mention's record is in the same county as one of the
  candidate's other records (``agree``), only in others (``disagree``);
* **date** — the candidate's nearest other record is within a year
  (``near``) or further (``far``); the record is dated before the
  candidate's birth date (``before_birth``) or after it;
* **co-mentioned** — another party of the same case or report (a victim, a
  hospital, a co-defendant) is an entity that appears together with the
  candidate in another record (``shared``), or not (``none``);
* **conflict** — the mention carries a phone, birth date or sex that the
  candidate also carries, but never with this value: ruled out, as a pair
  with that member would have been (ADR 0310).

Each level's weight is a likelihood ratio *estimated on the same warehouse*:
how often the level occurs between a mention with a valid identity number and
the rest of its own person (m), against between that mention and a namesake
holding a different valid number (u). Where the data carry no signal (the
synthetic generator draws record regions and dates independently of the
person) the ratios come out near 1 and the context changes nothing; where
they do, the context moves the candidate's probability by the measured
amount. A level seen too rarely to estimate, or whose m and u do not differ
beyond chance (three standard errors), weighs 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from procura.warehouse.keys import SEPARATOR

NEAR_DAYS = 365
MIN_SAMPLE = 50  # mentions per side below which a feature weighs 1
SAMPLE = 20_000  # mentions per side used to estimate the ratios
LR_CLIP = (0.05, 20.0)
NAME_FACTOR_MAX = 1.0  # a name rarer than its parts predict gains nothing
Z_MIN = 3.0  # a level weighs only when m and u differ by this many standard errors

FEATURES = {
    "region": ("agree", "disagree"),
    "date": ("near", "far"),
    "co_mentioned": ("shared", "none"),
    "birth": ("before_birth", "after_birth"),
}
LABELS = {
    ("region", "agree"): "同一区县 same county as another record of the candidate",
    ("region", "disagree"): "不同区县 only other counties among the candidate's records",
    ("date", "near"): "时间相近 within a year of another record of the candidate",
    ("date", "far"): "时间相隔一年以上 more than a year from every record of the candidate",
    ("co_mentioned", "shared"): "同案当事人亦与候选人同现 a co-party appears with the candidate elsewhere",
    ("co_mentioned", "none"): "同案当事人未与候选人同现 no co-party appears with the candidate elsewhere",
    ("birth", "before_birth"): "记录早于候选人出生日期 record dated before the candidate's birth",
    ("birth", "after_birth"): "记录晚于候选人出生日期 record dated after the candidate's birth",
    ("conflict", "phone"): "电话与候选人的均不同 a phone the candidate never has",
    ("conflict", "birth_date"): "出生日期与候选人的均不同 a birth date the candidate never has",
    ("conflict", "sex"): "性别与候选人不同 the other sex",
}

# The case or report a mention belongs to: a criminal case's suspects and victims share it.
_GROUP = (
    "CASE WHEN table_name = 'criminal_case_victims' THEN 'criminal_cases' ELSE table_name END "
    f"|| ':' || split_part(record_key, '{SEPARATOR}', 1)"
)

_MEMBERS = f"""
CREATE OR REPLACE TEMP TABLE _lk_ctx_m AS
SELECT m.mention_id, r.root, m.region, m.record_date, m.birth_date, m.phone, m.sex, {_GROUP} AS grp
FROM _link_input m JOIN _lk_nodes n USING (node_key) JOIN _lk_ctx_roots r ON r.node = n.node
"""

# Per query (a set of mentions ``_lk_ctx_q`` and a target cluster ``_lk_ctx_t``): the levels.
_FEATURES = """
WITH qm AS (SELECT q.qid, m.* FROM _lk_ctx_q q JOIN _lk_ctx_m m USING (mention_id)),
tm AS (
    SELECT t.qid, m.* FROM _lk_ctx_t t JOIN _lk_ctx_m m ON m.root = t.root
    WHERE m.mention_id NOT IN (SELECT mention_id FROM _lk_ctx_q q WHERE q.qid = t.qid)
      AND m.grp NOT IN (SELECT grp FROM qm WHERE qm.qid = t.qid)
),
pairs AS (
    SELECT qm.qid,
           bool_or(qm.region = tm.region) AS region_agree,
           count(tm.region) FILTER (WHERE qm.region IS NOT NULL) AS region_known,
           min(abs(datediff('day', qm.record_date, tm.record_date))) AS days,
           bool_or(qm.record_date < tm.birth_date) AS before_birth,
           -- a field the mention carries that the candidate carries too, never with this value
           CASE WHEN NOT bool_or(qm.phone = tm.phone) THEN 'phone'
                WHEN NOT bool_or(qm.birth_date = tm.birth_date) THEN 'birth_date'
                WHEN NOT bool_or(qm.sex = tm.sex) THEN 'sex' END AS conflict
    FROM qm JOIN tm USING (qid) GROUP BY qm.qid
),
co AS (   -- other parties of the query's records, in clusters other than the target's
    SELECT DISTINCT qm.qid, qm.grp, c.root AS co_root
    FROM qm JOIN _lk_ctx_m c ON c.grp = qm.grp AND c.root <> qm.root
    JOIN _lk_ctx_t t ON t.qid = qm.qid AND c.root <> t.root
),
shared AS (
    SELECT DISTINCT co.qid FROM co JOIN tm ON tm.qid = co.qid AND tm.grp <> co.grp
    JOIN _lk_ctx_m c2 ON c2.grp = tm.grp AND c2.root = co.co_root
)
SELECT t.qid,
       CASE WHEN p.region_agree THEN 'agree' WHEN p.region_known > 0 THEN 'disagree' END AS region,
       CASE WHEN p.days <= {near} THEN 'near' WHEN p.days IS NOT NULL THEN 'far' END AS date,
       CASE WHEN s.qid IS NOT NULL THEN 'shared'
            WHEN t.qid IN (SELECT qid FROM co) THEN 'none' END AS co_mentioned,
       p.before_birth, p.conflict
FROM _lk_ctx_t t LEFT JOIN pairs p USING (qid) LEFT JOIN shared s USING (qid)
ORDER BY t.qid
"""

# Estimation samples: a mention with a valid number against the rest of its own person (m),
# and against a namesake's cluster holding a different valid number (u).
_SAMPLE_M = """
SELECT m.mention_id, m.root FROM _lk_ctx_m m JOIN _link_input i USING (mention_id)
WHERE i.id_valid AND i.kind = 'person'
  AND EXISTS (SELECT 1 FROM _lk_ctx_m o WHERE o.root = m.root AND o.grp <> m.grp)
ORDER BY hash(m.mention_id) LIMIT ?
"""
_SAMPLE_U = """
WITH named AS (
    SELECT m.mention_id, m.root, i.name, i.id_no FROM _lk_ctx_m m JOIN _link_input i USING (mention_id)
    WHERE i.id_valid AND i.kind = 'person' AND i.name IS NOT NULL
)
SELECT a.mention_id, min(b.root) AS root FROM named a JOIN named b
  ON a.name = b.name AND a.id_no <> b.id_no AND a.root <> b.root
GROUP BY a.mention_id ORDER BY hash(a.mention_id) LIMIT ?
"""


@dataclass
class Context:
    """The context levels of one (mention set, candidate) query and their weight."""

    levels: dict[str, str] = field(default_factory=dict)
    ratio: float = 1.0

    def evidence(self, weights: dict[tuple[str, str], float]) -> str:
        """``feature=level (×ratio)`` items, for the record and ``link explain``."""
        parts = [f"{f}={lv} x{0.0 if f == 'conflict' else weights.get((f, lv), 1.0):.2g} ({LABELS[(f, lv)]})"
                 for f, lv in sorted(self.levels.items())]
        return "; ".join(parts)


Query = tuple[Sequence[int], int]  # a mention set and a candidate cluster's root


def _features(con: duckdb.DuckDBPyConnection, queries: Sequence[Query]) -> list[dict[str, str]]:
    """The context levels of each query (its mention ids, the target cluster root)."""
    if not queries:
        return []
    qids, mids, tq, troots = [], [], [], []
    for qid, (mentions, root) in enumerate(queries):
        tq.append(qid)
        troots.append(root)
        for mention in mentions:
            qids.append(qid)
            mids.append(mention)
    con.register("_lk_ctx_q", pa.table({"qid": pa.array(qids, pa.int64()),
                                        "mention_id": pa.array(mids, pa.int64())}))
    con.register("_lk_ctx_t", pa.table({"qid": pa.array(tq, pa.int64()),
                                        "root": pa.array(troots, pa.int64())}))
    try:
        rows = con.execute(_FEATURES.format(near=NEAR_DAYS)).fetchall()
    finally:
        con.unregister("_lk_ctx_q")
        con.unregister("_lk_ctx_t")
    out = []
    for _, region, date, co, before_birth, conflict in rows:
        levels = {k: v for k, v in (("region", region), ("date", date), ("co_mentioned", co),
                                    ("conflict", conflict)) if v}
        if before_birth is not None:
            levels["birth"] = "before_birth" if before_birth else "after_birth"
        out.append(levels)
    return out


def _estimate(m: list[dict[str, str]], u: list[dict[str, str]]) -> dict[tuple[str, str], float]:
    """Per (feature, level): P(level | same person) / P(level | namesake), smoothed and clipped."""
    weights: dict[tuple[str, str], float] = {}
    for feature, levels in FEATURES.items():
        m_seen = [x[feature] for x in m if feature in x]
        u_seen = [x[feature] for x in u if feature in x]
        if len(m_seen) < MIN_SAMPLE or len(u_seen) < MIN_SAMPLE:
            continue
        for level in levels:
            km, ku = m_seen.count(level), u_seen.count(level)
            # Only a difference the sample shows beyond chance weighs (two-proportion z-test).
            pooled = (km + ku) / (len(m_seen) + len(u_seen))
            spread = math.sqrt(pooled * (1 - pooled) * (1 / len(m_seen) + 1 / len(u_seen)))
            if spread == 0 or abs(km / len(m_seen) - ku / len(u_seen)) < Z_MIN * spread:
                continue
            pm = (km + 1) / (len(m_seen) + len(levels))
            pu = (ku + 1) / (len(u_seen) + len(levels))
            weights[(feature, level)] = min(max(pm / pu, LR_CLIP[0]), LR_CLIP[1])
    return weights


# How many profiles would carry each name if surname and given name were drawn independently
# (``c_model``), against how many do (``c_name``): a two-character name (surname and one
# given character) is far commoner than the few profiles holding it suggest.
_NAME_FREQUENCY = """
WITH p AS (SELECT name, substr(name, 1, 1) AS s, substr(name, 2) AS g FROM _link_profiles
           WHERE name IS NOT NULL AND length(name) >= 2),
total AS (SELECT count(*)::DOUBLE AS n FROM p),
fn AS (SELECT name, count(*) AS c FROM p GROUP BY name),
fs AS (SELECT s, count(*) AS c FROM p GROUP BY s),
fg AS (SELECT g, count(*) AS c FROM p GROUP BY g),
names AS (SELECT DISTINCT name, substr(name, 1, 1) AS s, substr(name, 2) AS g FROM _lk_ctx_names)
SELECT names.name, fn.c AS c_name, fs.c * fg.c / (SELECT n FROM total) AS c_model
FROM names JOIN fn USING (name) JOIN fs USING (s) JOIN fg USING (g)
"""


def name_frequencies(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> dict[str, tuple[int, float]]:
    """Per name: (profiles holding it, profiles its surname and given name predict)."""
    if not names:
        return {}
    con.register("_lk_ctx_names", pa.table({"name": pa.array(list(names), pa.string())}))
    try:
        rows = con.execute(_NAME_FREQUENCY).fetchall()
    finally:
        con.unregister("_lk_ctx_names")
    return {name: (int(c_name), float(c_model)) for name, c_name, c_model in rows}


def name_factor(c_name: int, c_model: float) -> float:
    """The odds factor for a name seen ``c_name`` times whose parts predict ``c_model``.

    The model's name weight is term-frequency adjusted by the profiles holding
    the exact name; a rare spelling of a common pattern is rarer in the
    warehouse than in the population. Only that direction is corrected: the
    factor is ``c_name / c_model`` when the parts predict more, else 1.
    """
    if c_model <= 0:
        return 1.0
    return min(c_name / c_model, NAME_FACTOR_MAX)


class ContextModel:
    """Context weights estimated on one warehouse, and the context of candidate clusters."""

    def __init__(self, con: duckdb.DuckDBPyConnection, roots: Sequence[int]) -> None:
        self.con = con
        con.register("_lk_ctx_roots", pa.table({"node": pa.array(range(len(roots)), pa.int64()),
                                                "root": pa.array(list(roots), pa.int64())}))
        try:
            con.execute(_MEMBERS)
        finally:
            con.unregister("_lk_ctx_roots")
        m_rows = con.execute(_SAMPLE_M, [SAMPLE]).fetchall()
        u_rows = con.execute(_SAMPLE_U, [SAMPLE]).fetchall()
        m = _features(con, [([mention], root) for mention, root in m_rows])
        u = _features(con, [([mention], root) for mention, root in u_rows])
        self.weights = _estimate(m, u)
        self.samples = (len(m_rows), len(u_rows))

    def contexts(self, queries: Sequence[tuple[Sequence[int], int]]) -> list[Context]:
        """The context of each (mention ids, candidate cluster root) with its combined ratio."""
        out = []
        for levels in _features(self.con, queries):
            # A field the candidate carries with other values only (another phone) rules it out,
            # as it would have in a pair with that member (ADR 0310).
            ratio = 0.0 if "conflict" in levels else math.prod(
                self.weights.get((f, lv), 1.0) for f, lv in levels.items())
            out.append(Context(levels, ratio))
        return out

    def close(self) -> None:
        self.con.execute("DROP TABLE IF EXISTS _lk_ctx_m")


def adjust(probability: float, ratio: float) -> float:
    """The pair probability with the context's likelihood ratio applied to its odds."""
    if ratio <= 0.0:
        return 0.0
    if probability >= 1.0:
        return 1.0
    odds = probability / (1.0 - probability) * ratio
    return odds / (1.0 + odds)
