"""``procura link``: every person and organisation mention gets an entity id.

Stage one joins mentions sharing a valid identity number or USCC (and
organisation mentions by normalized name); stage two scores person profiles
with the saved Splink model; reviewer judgements override both. The result is
written to the warehouse tables ``mentions`` and ``entities``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from procura.config import Settings
from procura.link.cluster import Clustering
from procura.link.context import ContextModel, adjust, name_factor, name_frequencies
from procura.link.extract import extract
from procura.link.identity import write_entities
from procura.link.judgements import MentionRef, latest
from procura.link.model import (
    MIN_TRAINING_PROFILES,
    MODEL_FILE,
    PROFILE_COLUMNS,
    SplinkSession,
    quiet_splink,
    settings_dict,
)
from procura.warehouse.connection import duckdb_config


@dataclass
class LinkReport:
    """What one run did."""

    mentions: int = 0
    profiles: int = 0
    person_entities: int = 0
    org_entities: int = 0
    scored_pairs: int = 0
    links_refused: int = 0
    judgements: int = 0
    model: str = "none"  # "trained", "reused" or "none" (too few profiles to train a model)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase


def _score_profiles(con: duckdb.DuckDBPyConnection, settings: Settings, retrain: bool) -> str:
    """Write ``_link_pairs`` (scored profile pairs); return whether the model was trained or reused."""
    con.execute(
        "CREATE OR REPLACE TABLE _link_pairs (unique_id_l BIGINT, unique_id_r BIGINT, "
        "match_weight DOUBLE, match_probability DOUBLE)"
    )
    profiles = con.sql(f"SELECT {', '.join(PROFILE_COLUMNS)} FROM _link_profiles").to_arrow_table()
    path = settings.link_dir / MODEL_FILE
    if not path.exists() and not retrain and profiles.num_rows < MIN_TRAINING_PROFILES:
        return "none"
    if profiles.num_rows < 2 or (retrain and profiles.num_rows < MIN_TRAINING_PROFILES):
        return "none"
    quiet_splink()
    trained = retrain or not path.exists()
    model = settings_dict(profiles=profiles.num_rows) if trained else path
    session = SplinkSession(profiles, model, duckdb_config(settings))
    try:
        if trained:
            session.train(settings.link_u_max_pairs, settings.link_em_max_pairs, settings.link_seed)
            session.save(path)
        floor = min(settings.link_review_low, settings.link_match_threshold, settings.link_attach_floor)
        pairs: pa.Table = session.predict(floor)
    finally:
        session.close()
    con.register("_lk_pairs_arrow", pairs)
    con.execute("INSERT INTO _link_pairs SELECT * FROM _lk_pairs_arrow")
    con.unregister("_lk_pairs_arrow")
    return "trained" if trained else "reused"


_NODES = """
CREATE OR REPLACE TEMP TABLE _lk_nodes AS
SELECT node_key, CAST(row_number() OVER (ORDER BY node_key) - 1 AS BIGINT) AS node,
       CASE WHEN node_key LIKE 'person/id:%' OR node_key LIKE 'org/uscc:%'
            THEN split_part(node_key, ':', 2) END AS identifier,
       count(*) AS n_mentions,
       bool_and(kind = 'person' AND id_no IS NULL AND birth_date IS NULL AND phone IS NULL
                AND address IS NULL) AS weak
FROM _link_input GROUP BY node_key
"""

_EDGES = """
SELECT nl.node AS node_l, nr.node AS node_r, p.match_probability AS p
FROM _link_pairs p
JOIN _link_profiles pl ON pl.unique_id = p.unique_id_l JOIN _lk_nodes nl ON nl.node_key = pl.node_key
JOIN _link_profiles pr ON pr.unique_id = p.unique_id_r JOIN _lk_nodes nr ON nr.node_key = pr.node_key
WHERE p.match_probability >= ? AND nl.node <> nr.node
ORDER BY p.match_probability DESC
"""

# Pairs below the threshold that touch a person node without a valid number (the one
# that may attach), that node first.
_BAND_EDGES = f"""
WITH e AS ({_EDGES.replace("ORDER BY p.match_probability DESC", "").replace(
    "WHERE p.match_probability >= ?", "WHERE p.match_probability >= ? AND p.match_probability < ?")})
SELECT e.* FROM e JOIN _lk_nodes w ON w.node = e.node_l AND w.identifier IS NULL
UNION ALL
SELECT e.node_r, e.node_l, e.p FROM e JOIN _lk_nodes w ON w.node = e.node_r AND w.identifier IS NULL
"""

_NODE_OF = """
SELECT n.node FROM _link_input m JOIN _lk_nodes n USING (node_key)
WHERE m.table_name = ? AND m.record_key = ? AND m.role = ?
"""

_ASSIGN = """
CREATE OR REPLACE TEMP TABLE _lk_assign AS
SELECT m.mention_id, m.table_name, m.record_key, m.role, m.kind, c.root AS cluster,
       CASE WHEN n.identifier IS NOT NULL AND n.n_mentions > 1 AND (m.id_valid OR m.uscc_valid) THEN 1.0
            WHEN c.best_rule IS NOT NULL THEN c.best_probability
            WHEN n.n_mentions > 1 THEN 1.0 END AS probability,
       CASE WHEN n.identifier IS NOT NULL AND n.n_mentions > 1 AND m.id_valid THEN 'id_no'
            WHEN n.identifier IS NOT NULL AND n.n_mentions > 1 AND m.uscc_valid THEN 'uscc'
            WHEN c.best_rule IS NOT NULL THEN c.best_rule
            WHEN m.kind = 'org' AND n.n_mentions > 1 THEN 'org_name'
            WHEN n.n_mentions > 1 THEN 'same_fields'
            ELSE 'singleton' END AS rule
FROM _link_input m JOIN _lk_nodes n USING (node_key) JOIN _lk_clusters c ON c.node = n.node
"""


def _node_of(con: duckdb.DuckDBPyConnection, ref: MentionRef) -> int | None:
    row = con.execute(_NODE_OF, [ref.table_name, ref.record_key, ref.role]).fetchone()
    return int(row[0]) if row else None


# Per band edge (node, other node): the context evidence as text and its odds ratio.
Contexts = dict[tuple[int, int], tuple[str, float]]


def _contexts(con: duckdb.DuckDBPyConnection, clustering: Clustering, edges: list[tuple[int, int, float]],
              weak: set[int], loose: set[int]) -> Contexts:
    """Per band edge (node, other node) of a node that may attach: the context evidence and its ratio."""
    wanted = sorted({(a, clustering.find(b)) for a, b, _ in edges if a in weak or a in loose})
    if not wanted:
        return {}
    nodes = sorted({a for a, _ in wanted})
    con.register("_lk_ctx_nodes", pa.table({"node": pa.array(nodes, pa.int64())}))
    try:
        mentions: dict[int, list[int]] = {}
        for node, mention in con.execute(
            "SELECT n.node, m.mention_id FROM _link_input m JOIN _lk_nodes n USING (node_key) "
            "WHERE n.node IN (SELECT node FROM _lk_ctx_nodes)"
        ).fetchall():
            mentions.setdefault(int(node), []).append(int(mention))
    finally:
        con.unregister("_lk_ctx_nodes")
    model = ContextModel(con, clustering.roots())
    try:
        found = model.contexts([(mentions.get(a, []), root) for a, root in wanted])
    finally:
        model.close()
    node_names = dict(con.execute(
        "SELECT n.node, any_value(m.name) FROM _link_input m JOIN _lk_nodes n USING (node_key) "
        "WHERE n.node IN (SELECT unnest(?)) GROUP BY n.node", [nodes]).fetchall())
    frequencies = name_frequencies(con, sorted({v for v in node_names.values() if v}))
    by_root = {}
    for (a, root), ctx in zip(wanted, found, strict=True):
        text, ratio = ctx.evidence(model.weights), ctx.ratio
        c_name, c_model = frequencies.get(node_names.get(a) or "", (1, 0.0))
        factor = name_factor(c_name, c_model)
        if a not in loose:  # a bare name never gains: only mentions with more than a name do
            factor = min(factor, 1.0)
        if factor != 1.0:
            level = "common" if factor < 1 else "rare"
            note = (f"name={level} x{factor:.2g} (同名档案 {c_name} 个，按姓氏与名字"
                    f"频率应有 {c_model:.1f} the surname and given name predict {c_model:.1f} profiles, "
                    f"{c_name} hold the name)")
            text = "; ".join(filter(None, [note, text]))
            ratio *= factor
        by_root[(a, root)] = (text, ratio)
    return {(a, b): by_root[(a, clustering.find(b))] for a, b, _ in edges
            if (a, clustering.find(b)) in by_root}


_DECISIONS = """
CREATE OR REPLACE TABLE _link_attach AS
SELECT n.node_key, d.decision, d.probability, d.model_probability, d.runner_up, d.context,
       o.node_key AS candidate_key
FROM _lk_decisions d JOIN _lk_nodes n ON n.node = d.node JOIN _lk_nodes o ON o.node = d.via
"""


def _write_decisions(con: duckdb.DuckDBPyConnection, clustering: Clustering,
                     edges: list[tuple[int, int, float]], contexts: Contexts) -> None:
    """Keep, per node that could attach by name, what was decided and on which evidence (ADR 0311)."""
    model_p = {(a, b): p for a, b, p in edges}
    rows = [(node, decision, p, model_p.get((node, via)), runner,
             contexts.get((node, via), ("", 1.0))[0], via)
            for node, (decision, p, runner, via) in clustering.decisions.items()]
    columns: list[Any] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(7)]
    table = pa.table({
        "node": pa.array(columns[0], pa.int64()), "decision": pa.array(columns[1], pa.string()),
        "probability": pa.array(columns[2], pa.float64()),
        "model_probability": pa.array(columns[3], pa.float64()),
        "runner_up": pa.array(columns[4], pa.float64()), "context": pa.array(columns[5], pa.string()),
        "via": pa.array(columns[6], pa.int64()),
    })
    con.register("_lk_decisions", table)
    try:
        con.execute(_DECISIONS)
    finally:
        con.unregister("_lk_decisions")


def _cluster(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[int, int]:
    """Cluster the nodes; write ``_lk_assign``; return (links refused, judgements applied)."""
    con.execute(_NODES)
    identifiers = [r[0] for r in con.execute("SELECT identifier FROM _lk_nodes ORDER BY node").fetchall()]
    clustering = Clustering(identifiers)
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for judgement in latest(con):
        a, b = _node_of(con, judgement.left), _node_of(con, judgement.right)
        if a is None or b is None or judgement.decision == "unsure":
            continue
        (same if judgement.decision == "same" else different).append((a, b))
    clustering.cannot_link(different)
    clustering.force(same)
    edges = con.execute(_EDGES, [settings.link_match_threshold]).fetchall()
    clustering.link(edges, "splink")
    weak = {int(r[0]) for r in con.execute("SELECT node FROM _lk_nodes WHERE weak").fetchall()}
    # A mention with more than a name that the model left alone: its fields and its
    # candidate's do not overlap (name + phone here, name + number there), so it may
    # attach like a name-only one when nothing it carries disagrees (ADR 0310).
    loose = clustering.alone(identifiers) - weak
    band = [min(settings.link_attach_floor, settings.link_attach_loose_floor), settings.link_match_threshold]
    candidates = con.execute(_BAND_EDGES, band).fetchall()
    contexts = _contexts(con, clustering, candidates, weak, loose) if settings.link_attach_context else {}
    band_edges = []
    for a, b, p in candidates:
        if (a, b) in contexts:
            p = adjust(p, contexts[(a, b)][1])
        if p >= (settings.link_attach_loose_floor if a in loose else settings.link_attach_floor):
            band_edges.append((a, b, p))
    clustering.attach(band_edges, weak, "sole_candidate", loose)
    _write_decisions(con, clustering, candidates, contexts)
    best = clustering.best
    roots = clustering.roots()
    table = pa.table({
        "node": pa.array(range(len(roots)), pa.int64()),
        "root": pa.array(roots, pa.int64()),
        "best_probability": pa.array([best[n][0] if n in best else None for n in range(len(roots))],
                                     pa.float64()),
        "best_rule": pa.array([best[n][1] if n in best else None for n in range(len(roots))], pa.string()),
    })
    con.register("_lk_clusters", table)
    con.execute(_ASSIGN)
    con.unregister("_lk_clusters")
    return clustering.refused, len(same) + len(different)


def open_warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the workspace's warehouse (standard tables created if missing)."""
    from procura.warehouse.connection import connect

    return connect(settings)


def run_link(con: duckdb.DuckDBPyConnection, settings: Settings, retrain: bool = False) -> LinkReport:
    """Link every mention in the warehouse behind ``con``; write ``mentions`` and ``entities``."""
    started = last = time.perf_counter()
    report = LinkReport()
    con.execute("SET enable_progress_bar = false")

    def phase(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        report.phases[name] = round(now - last, 2)
        last = now

    report.mentions = extract(con)
    row = con.execute("SELECT count(*) FROM _link_profiles").fetchone()
    report.profiles = int(row[0]) if row else 0
    phase("extract")
    report.model = _score_profiles(con, settings, retrain)
    row = con.execute("SELECT count(*) FROM _link_pairs").fetchone()
    report.scored_pairs = int(row[0]) if row else 0
    phase("train+score" if report.model == "trained" else "score")
    report.links_refused, report.judgements = _cluster(con, settings)
    phase("cluster")
    write_entities(con)
    phase("write")
    con.execute("DROP TABLE IF EXISTS _lk_assign")
    con.execute("DROP TABLE IF EXISTS _lk_nodes")
    for kind, count in con.execute("SELECT kind, count(*) FROM entities GROUP BY kind").fetchall():
        if kind == "person":
            report.person_entities = int(count)
        else:
            report.org_entities = int(count)
    report.seconds = time.perf_counter() - started
    return report
