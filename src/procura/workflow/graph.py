"""The relationship graph of a lead: its records, the persons and organisations they mention,
and the links between them with their match probability, opened one hop at a time.

The first view is the lead's evidence records and everyone they mention. A
person or organisation opens to the other records that mention them (up to
``HOP_LIMIT``), a record to everyone it mentions. Persons' names are masked
(surname + 某), organisations keep theirs; every read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.masking import mask_name
from procura.access.principal import Principal
from procura.config import Settings
from procura.errors import InvalidInput
from procura.standard.schema import standard
from procura.warehouse import probes
from procura.warehouse.keys import join_key
from procura.warehouse.schema import primary_keys
from procura.workflow.scope import load

HOP_LIMIT = 25


@dataclass
class Graph:
    """Nodes (``id``, ``label``, ``kind``: person, org or record) and edges (role, probability)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


def record_node(table: str, key: dict[str, Any]) -> str:
    """The node id of a warehouse record (its record key, as in ``mentions``)."""
    columns = primary_keys().get(table, tuple(key))
    return f"r:{table}:" + join_key(key.get(c, "") for c in columns)


def _record(graph: Graph, seen: set[str], table: str, record_key: str, evidence: bool = False) -> str:
    node = f"r:{table}:{record_key}"
    if node not in seen:
        seen.add(node)
        title = standard()[table].title_zh if table in standard() else table
        graph.nodes.append(
            {"id": node, "label": f"{title} {record_key}", "kind": "record", "evidence": evidence}
        )
    return node


def _entity(graph: Graph, seen: set[str], entity_id: str, kind: str, name: str | None) -> str:
    node = f"e:{entity_id}"
    if node not in seen:
        seen.add(node)
        shown = name if kind == "org" else mask_name(name)
        graph.nodes.append({"id": node, "label": shown or entity_id, "kind": kind})
    return node


MENTIONS_OF_RECORDS = """
SELECT m.table_name, m.record_key, m.role, m.kind, m.entity_id, m.probability, e.name
FROM mentions m LEFT JOIN entities e USING (entity_id)
WHERE m.table_name || ':' || m.record_key IN (SELECT unnest(?::VARCHAR[]))
"""
MENTIONS_OF_ENTITY = """
SELECT m.table_name, m.record_key, m.role, m.kind, m.entity_id, m.probability, e.name
FROM mentions m LEFT JOIN entities e USING (entity_id)
WHERE m.entity_id = ? ORDER BY m.table_name, m.record_key LIMIT ?
"""


def lead_graph(
    session: Session, settings: Settings, principal: Principal, lead_id: str, node: str | None = None
) -> Graph:
    """The lead's records and who they mention, or the neighbours of ``node`` (one hop)."""
    lead, _ = load(session, principal, lead_id)
    audit.record_at_commit(
        session, principal, "lead.read_graph", "lead", lead.id, details={"node": node or ""}
    )
    graph, seen = Graph(), set[str]()
    if not settings.warehouse_path.exists():
        return graph
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        if not {"mentions", "entities"} <= probes.tables(con):
            return graph
        if node is None:
            refs = [record_node(str(e.get("table")), e.get("key") or {}) for e in lead.evidence or []]
            pairs = [ref[2:].split(":", 1) for ref in refs]
            for table, key in pairs:
                _record(graph, seen, table, key, evidence=True)
            rows = con.execute(MENTIONS_OF_RECORDS, [[ref[2:] for ref in refs]]).fetchall()
        elif node.startswith("r:") and node.count(":") >= 2:
            table, key = node[2:].split(":", 1)
            _record(graph, seen, table, key)
            rows = con.execute(MENTIONS_OF_RECORDS, [[f"{table}:{key}"]]).fetchall()
        elif node.startswith("e:"):
            rows = con.execute(MENTIONS_OF_ENTITY, [node[2:], HOP_LIMIT]).fetchall()
        else:
            raise InvalidInput(f"node {node!r}: r:<table>:<key> or e:<entity>", {"field": "node"})
    finally:
        con.close()
    for table, record_key, role, kind, entity_id, probability, name in rows:
        source = _entity(graph, seen, entity_id, kind, name)
        target = _record(graph, seen, table, record_key)
        graph.edges.append(
            {
                "id": f"{source}>{target}>{role}",
                "source": source,
                "target": target,
                "role": role,
                "probability": None if probability is None else round(float(probability), 3),
            }
        )
    return graph
