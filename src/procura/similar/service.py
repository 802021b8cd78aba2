"""Similar-case search as one service function under the CLI and the API.

A search starts from a record (``table:key``), a lead (its evidence records) or
free text; it is limited to the principal's jurisdiction (records whose region lies
under the office's region), masked by :mod:`procura.access.masking`, and audited.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import numpy as np
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.masking import mask_record
from procura.access.offices import parse_office_id
from procura.access.policy import require_role
from procura.access.principal import LEAD_READERS, Principal
from procura.config import Settings
from procura.errors import InvalidInput, NotFound
from procura.leads.orm import Lead
from procura.similar import index as index_store
from procura.similar.corpus import sources
from procura.similar.index import SimilarIndex
from procura.similar.reasons import reasons
from procura.similar.score import Query, Weights, default_weights, rank
from procura.similar.tokens import tokenize
from procura.standard import regions
from procura.warehouse.evidence import read_evidence
from procura.warehouse.keys import split_key
from procura.workflow.scope import jurisdiction_filter, load

LONG_NUMBER = re.compile(r"[0-9]{6,}")

PREFIX_WIDTH = {"province": 2, "city": 4, "county": 6}


@dataclass
class Hit:
    """One similar record: where it is, how similar, why, and the leads in scope that cite it."""

    rank: int
    table: str
    record_key: str
    score: float
    reasons: list[dict[str, Any]]
    features: dict[str, float]
    region_code: str | None
    region_name: str | None
    kind: str | None
    body_name: str | None
    date: str | None
    text: str | None
    leads: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    """The query as understood (mode, reference, tokens) and the hits, best first."""

    mode: str
    reference: str
    tokens: list[str]
    scope: str
    indexed: int
    hits: list[Hit]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def scope_mask(index: SimilarIndex, principal: Principal) -> np.ndarray | None:
    """Documents within the principal's jurisdiction (None: everything, for the system principal)."""
    if principal.role == "system" or not principal.office_id:
        return None
    code, level = parse_office_id(principal.office_id)
    width = PREFIX_WIDTH[level]
    arrays = {2: index.province, 4: index.city, 6: index.county}
    mask: np.ndarray = arrays[width] == int(code[:width])
    return mask


def _entity_positions(
    settings: Settings,
    index: SimilarIndex,
    table: str,
    key: str,
    con: duckdb.DuckDBPyConnection | None = None,
) -> np.ndarray:
    """Documents that mention a linked entity of record ``table:key`` (court parties count for their case);
    ``con``: an open warehouse connection to reuse (the evaluation asks for hundreds of records)."""
    path = settings.warehouse_path
    if con is None and not path.exists():
        return np.zeros(0, dtype=np.int64)
    own = con is None
    con = con or duckdb.connect(str(path), read_only=True)
    try:
        probe = con.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'mentions'").fetchone()
        if probe is None or not probe[0]:
            return np.zeros(0, dtype=np.int64)
        rows = con.execute(
            "SELECT DISTINCT m2.table_name, m2.record_key FROM mentions AS m1"
            " JOIN mentions AS m2 ON m2.entity_id = m1.entity_id"
            " WHERE m1.entity_id IS NOT NULL AND ((m1.table_name = ? AND m1.record_key = ?)"
            " OR (m1.table_name = 'court_parties' AND ? = 'court_cases'"
            " AND split_part(m1.record_key, '|', 1) = ?))",
            [table, key, table, key],
        ).fetchall()
    finally:
        if own:
            con.close()
    found = set()
    for name, record_key in rows:
        if name == "court_parties":
            name, record_key = "court_cases", str(record_key).split("|")[0]
        pos = index.position(name, str(record_key))
        if pos is not None:
            found.add(pos)
    return np.array(sorted(found), dtype=np.int64)


def record_query(
    settings: Settings, index: SimilarIndex, ref: str, con: duckdb.DuckDBPyConnection | None = None
) -> Query:
    """The query of an indexed record ``table:key`` (or a bare key found in exactly one table)."""
    table, sep, key = ref.partition(":")
    candidates = [(table, key)] if sep else [(t, ref) for t in sources()]
    found = [(t, k, p) for t, k in candidates if (p := index.position(t, k)) is not None]
    if len(found) != 1:
        raise NotFound(f"记录不存在或未编入索引 record {ref!r} not found in the similar-case index")
    table, key, pos = found[0]
    doc = index.documents.iloc[pos]
    return Query(
        tokens=list(doc["tokens"]),
        kind=None if doc["kind"] is None else str(doc["kind"]),
        body=None if doc["body"] is None else str(doc["body"]),
        region_code=None if doc["region_code"] is None else str(doc["region_code"]),
        day=None if np.isnan(index.day[pos]) else float(index.day[pos]),
        amount=None if np.isnan(index.amount[pos]) else float(index.amount[pos]),
        entity_positions=_entity_positions(settings, index, table, key, con),
        self_position=pos,
    )


def text_query(text: str, weights: Weights) -> Query:
    """The query of free text: refused when empty, too long or without a meaningful word."""
    if not text or not text.strip():
        raise InvalidInput("查询内容为空 the query text is empty")
    if len(text) > weights.max_query_chars:
        raise InvalidInput(
            f"查询内容过长 the query text has {len(text)} characters; at most {weights.max_query_chars}"
        )
    tokens = tokenize(text)
    if not tokens:
        raise InvalidInput("查询内容只有标点 the query text has no words, only punctuation or spaces")
    return Query(tokens=tokens)


def _lead_ref(session: Session, principal: Principal, index: SimilarIndex, lead_id: str) -> str:
    lead, _ = load(session, principal, lead_id)
    for item in lead.evidence or []:
        table = item.get("table")
        key = "|".join(str(v) for v in (item.get("key") or {}).values())
        if table in sources() and index.position(table, key) is not None:
            return f"{table}:{key}"
    raise NotFound(f"线索 {lead_id} 的证据中没有可检索的记录 lead {lead_id} cites no indexed record")


def _citing_leads(session: Session | None, principal: Principal, hit: Hit) -> list[str]:
    if session is None:
        return []
    needle = f'%"{hit.record_key.split("|")[0]}"%'
    stmt = select(Lead.id).where(cast(Lead.evidence, String).like(needle)).order_by(Lead.id).limit(5)
    if principal.role != "system":
        from procura.workflow.orm import LeadWork

        stmt = stmt.outerjoin(LeadWork, LeadWork.lead_id == Lead.id).where(jurisdiction_filter(principal))
    return list(session.execute(stmt).scalars())


def _rows(settings: Settings, index: SimilarIndex, positions: list[int]) -> list[dict[str, Any] | None]:
    """The stored rows of the hits, through the one evidence reader."""
    refs: list[dict[str, Any]] = []
    for pos in positions:
        doc = index.documents.iloc[pos]
        source = sources()[str(doc["table_name"])]
        refs.append({"table": source.table, "key": split_key(source.key, str(doc["record_key"])) or {}})
    try:
        found = read_evidence(settings.warehouse_path, refs)
    except InvalidInput:
        return [None] * len(positions)
    by_ref = {(r.table, tuple(sorted(r.key.items()))): r.values for r in found}
    return [by_ref.get((r["table"], tuple(sorted(r["key"].items())))) or None for r in refs]


def _hit(
    index: SimilarIndex,
    query: Query,
    weights: Weights,
    n: int,
    pos: int,
    score: float,
    feats: dict[str, float],
    row: dict[str, Any] | None = None,
) -> Hit:
    """One hit; ``row`` is the record as stored, so masking sees its name and birth-date fields."""
    doc = index.documents.iloc[pos]
    source = sources()[str(doc["table_name"])]
    masked, _ = mask_record(row or {source.text: doc["text"], "offense_type": doc["kind"]})
    text = str(masked.get(source.text) or "")
    # A shared word is named only if it survives masking (no identity number, phone or masked name).
    shared = (
        []
        if source.sensitive_text
        else [
            t
            for t in dict.fromkeys(query.tokens)
            if t in set(doc["tokens"]) and t in text and not LONG_NUMBER.search(t)
        ]
    )
    region = None if doc["region_code"] is None else str(doc["region_code"])
    region_name = regions.name(region) if region else None
    date = doc["date"]
    return Hit(
        rank=n,
        table=source.table,
        record_key=str(doc["record_key"]),
        score=round(score, 4),
        reasons=reasons(feats, weights, shared[:8], doc["body_name"], region_name),
        features={k: round(v, 4) for k, v in feats.items()},
        region_code=region,
        region_name=region_name,
        kind=None if doc["kind"] is None else str(doc["kind"]),
        body_name=None if doc["body_name"] is None else str(doc["body_name"]),
        date=None if date is None or date != date else str(date)[:10],
        text=text or None,
    )


def search(
    settings: Settings,
    principal: Principal,
    *,
    record: str | None = None,
    lead_id: str | None = None,
    text: str | None = None,
    limit: int = 10,
    weights: Weights | None = None,
    session: Session | None = None,
) -> SearchResult:
    """The records most similar to a record, a lead or free text, within the principal's jurisdiction."""
    require_role(principal, LEAD_READERS, "search similar cases")
    weights = weights or default_weights()
    if sum(x is not None for x in (record, lead_id, text)) != 1:
        raise InvalidInput("请给出记录、线索或文本之一 give exactly one of record, lead or text")
    if not 1 <= limit <= weights.max_limit:
        raise InvalidInput(f"limit must be between 1 and {weights.max_limit}, got {limit}")
    index = index_store.current(settings)
    if lead_id is not None:
        if session is None:
            raise InvalidInput("searching from a lead needs the operational store")
        mode, reference = "lead", lead_id
        query = record_query(settings, index, _lead_ref(session, principal, index, lead_id))
    elif record is not None:
        mode, reference = "record", record
        query = record_query(settings, index, record.strip())
    else:
        mode, reference = "text", (text or "")[:80]
        query = text_query(text or "", weights)
    allowed = scope_mask(index, principal)
    ranked = rank(index, query, weights, limit, allowed)
    rows = _rows(settings, index, [p for p, _, _ in ranked])
    hits = [
        _hit(index, query, weights, n, p, s, f, row)
        for n, ((p, s, f), row) in enumerate(zip(ranked, rows, strict=True), start=1)
    ]
    for hit in hits:
        hit.leads = _citing_leads(session, principal, hit)
    if session is not None:
        audit.record_at_commit(  # a read: appended inside the commit (ADR 0566)
            session,
            principal,
            "similar_search",
            mode,
            reference,
            details={"hits": [f"{h.table}:{h.record_key}" for h in hits]},
        )
    return SearchResult(mode, reference, query.tokens, principal.office_id or "all", len(index), hits)
