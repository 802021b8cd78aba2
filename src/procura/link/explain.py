"""Why two mentions are (or are not) one entity.

Stage one is explained by the identifier or name they share; the
probabilistic stage by Splink's waterfall: the prior, then for each field the
level the pair fell into, its m and u probabilities and match weight, then the
final weight and probability. A reviewer's judgement, if any, is shown too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from procura.config import Settings
from procura.link.judgements import Judgement, JudgementError, MentionRef, latest, mention_kind
from procura.link.model import MODEL_FILE, PROFILE_COLUMNS, SplinkSession, quiet_splink
from procura.warehouse import probes


@dataclass
class WaterfallStep:
    """One bar of the waterfall."""

    field: str
    label: str
    value_left: str
    value_right: str
    m_probability: float | None
    u_probability: float | None
    match_weight: float


@dataclass
class Explanation:
    """Everything known about a pair of mentions."""

    left: MentionRef
    right: MentionRef
    kind: str
    entity_left: str | None
    entity_right: str | None
    rule_left: str | None = None  # how each mention joined its entity (mentions.rule)
    rule_right: str | None = None
    stage_one: str | None = None
    judgement: Judgement | None = None
    steps: list[WaterfallStep] = field(default_factory=list)
    match_weight: float | None = None
    probability: float | None = None

    # Hard reasons beside the model's weights (a different valid number, a name-only guess).
    constraints: list[str] = field(default_factory=list)
    # How a mention that could attach by name was decided, with the context used (ADR 0311).
    attachment: list[str] = field(default_factory=list)

    @property
    def same_entity(self) -> bool:
        return self.entity_left is not None and self.entity_left == self.entity_right

    def evidence(self) -> tuple[list[str], list[str]]:
        """The fields that spoke for joining and those that spoke against, strongest first."""
        fields = [s for s in self.steps
                  if s.m_probability is not None and s.field not in ("Prior", "prior") and s.match_weight]
        ranked = sorted(fields, key=lambda s: -abs(s.match_weight))
        def text(s: WaterfallStep) -> str:
            return f"{s.field}: {s.label} ({s.match_weight:+.1f})"
        return ([text(s) for s in ranked if s.match_weight > 0],
                [text(s) for s in ranked if s.match_weight < 0])


def _mention(con: duckdb.DuckDBPyConnection, ref: MentionRef) -> dict[str, Any]:
    cur = con.execute(
        "SELECT i.*, m.entity_id, m.rule AS linked_by FROM _link_input i "
        "LEFT JOIN mentions m USING (table_name, record_key, role) "
        "WHERE i.table_name = ? AND i.record_key = ? AND i.role = ?",
        [ref.table_name, ref.record_key, ref.role],
    )
    row = cur.fetchone()
    if row is None:
        raise JudgementError(f"mention {ref}: no such mention in the last link run")
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def _stage_one(left: dict[str, Any], right: dict[str, Any]) -> str | None:
    if left["node_key"] != right["node_key"]:
        return None
    key = str(left["node_key"])
    if key.startswith("person/id:"):
        return f"same valid identity number 身份证号相同 ({left['id_no']})"
    if key.startswith("org/uscc:"):
        return f"same USCC 统一社会信用代码相同 ({key.split(':', 1)[1]})"
    if key.startswith("org/name:"):
        return f"same normalized name 规范化名称相同 ({left['name']})"
    return "identical fields 各字段完全相同"


def _constraints(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """What decides the pair regardless of the model's weights."""
    out = []
    if left["id_valid"] and right["id_valid"] and left["id_no"] != right["id_no"]:
        out.append("两个不同的有效身份证号，永不合并 two different valid identity numbers: "
                   "never one entity (ADR 0301)")
    for side in (left, right):
        ref = f"{side['table_name']}:{side['record_key']}:{side['role']}"
        if side["linked_by"] == "sole_candidate":
            out.append(f"{ref} 仅凭姓名归并，不能据此排除线索 joined by name alone (its one candidate): "
                       "never clears a party (ADR 0302, 0008)")
        elif side["kind"] == "person" and side["linked_by"] == "singleton" and not any(
                side[f] for f in ("id_no", "birth_date", "phone", "address")):
            out.append(f"{ref} 仅有姓名且无唯一候选 name only, no single clear candidate: "
                       "left alone (ADR 0302)")
    return out


_DECISION_TEXT = {
    "attached": "按姓名及上下文归并 attached to its clearly best candidate",
    "ambiguous": "候选人不唯一，未归并 left alone: no candidate clearly best",
    "blocked": "与候选人冲突，未归并 left alone: the candidate is kept apart by a constraint",
}


def _attachment(con: duckdb.DuckDBPyConnection, side: dict[str, Any]) -> str | None:
    """The attach decision recorded for this mention's node (``_link_attach``), as one line."""
    if not probes.has_table(con, "_link_attach"):
        return None
    row = con.execute(
        "SELECT decision, probability, model_probability, runner_up, context, candidate_key "
        "FROM _link_attach WHERE node_key = ?", [side["node_key"]]).fetchone()
    if row is None:
        return None
    decision, probability, model_p, runner_up, context, candidate = row
    ref = f"{side['table_name']}:{side['record_key']}:{side['role']}"
    model = f", model 模型 {model_p:.3f}" if model_p is not None else ""
    return (f"{ref} {_DECISION_TEXT.get(decision, decision)}: probability 概率 {probability:.3f}{model}, "
            f"runner-up 次优 {runner_up:.3f}; context 上下文: {context or '—'} (candidate {candidate})")


def _waterfall(con: duckdb.DuckDBPyConnection, settings: Settings, a: dict[str, Any], b: dict[str, Any],
               explanation: Explanation) -> None:
    path = settings.link_dir / MODEL_FILE
    if not path.exists():
        return
    quiet_splink()
    cols = ", ".join(PROFILE_COLUMNS)
    profiles = con.sql(f"SELECT {cols} FROM _link_profiles").to_arrow_table()
    left, right = (
        dict(zip(PROFILE_COLUMNS, con.execute(f"SELECT {cols} FROM _link_profiles WHERE unique_id = ?",
                                              [m["profile_id"]]).fetchone() or (), strict=False))
        for m in (a, b)
    )
    session = SplinkSession(profiles, path)
    try:
        records = session.waterfall(left, right)
    finally:
        session.close()
    for rec in records:
        if rec["column_name"] == "Final score":
            explanation.match_weight = float(rec["log2_bayes_factor"])
            bf = 2 ** explanation.match_weight
            explanation.probability = bf / (1 + bf)
            continue
        explanation.steps.append(WaterfallStep(
            field=rec["column_name"], label=str(rec["label_for_charts"]),
            value_left=str(rec["value_l"]), value_right=str(rec["value_r"]),
            m_probability=rec["m_probability"], u_probability=rec["u_probability"],
            match_weight=float(rec["log2_bayes_factor"]),
        ))


def explain(con: duckdb.DuckDBPyConnection, settings: Settings, a: MentionRef, b: MentionRef) -> Explanation:
    """Explain the pair (a, b) against the last link run and the saved model."""
    kinds = {mention_kind(con, a), mention_kind(con, b)}
    left, right = _mention(con, a), _mention(con, b)
    explanation = Explanation(
        left=a, right=b, kind="/".join(sorted(kinds)),
        entity_left=left["entity_id"], entity_right=right["entity_id"],
        rule_left=left["linked_by"], rule_right=right["linked_by"],
        stage_one=_stage_one(left, right),
    )
    explanation.constraints = _constraints(left, right)
    explanation.attachment = [line for side in (left, right) if (line := _attachment(con, side))]
    pair = tuple(sorted((a, b)))
    explanation.judgement = next((j for j in latest(con) if (j.left, j.right) == pair), None)
    if kinds == {"person"}:
        _waterfall(con, settings, left, right, explanation)
    return explanation
