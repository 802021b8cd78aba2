"""Name-only attachments weigh the record's context and the name's expected frequency (ADR 0311)."""

from collections.abc import Callable

import duckdb
from link_fixtures import insert, make_id, populate_people

from procura.config import Settings
from procura.link.cluster import Clustering
from procura.link.context import _estimate, adjust, name_factor
from procura.link.explain import explain
from procura.link.judgements import MentionRef
from procura.link.service import run_link

Connect = Callable[[], duckdb.DuckDBPyConnection]


def test_context_weighs_only_what_the_warehouse_shows() -> None:
    # Same person: nine records in ten share the county; namesakes: one in ten.
    m = [{"region": "agree"}] * 180 + [{"region": "disagree"}] * 20
    u = [{"region": "agree"}] * 20 + [{"region": "disagree"}] * 180
    weights = _estimate(m, u)
    assert weights[("region", "agree")] > 5 and weights[("region", "disagree")] < 0.2
    # Drawn independently of the person (as the synthetic generator does): no weight at all.
    flat = [{"region": "agree"}] * 100 + [{"region": "disagree"}] * 100
    assert _estimate(flat, list(reversed(flat))) == {}
    # Too few to tell: no weight.
    assert _estimate(m[:30] + m[-10:], u[:30] + u[-10:]) == {}


def test_odds_and_name_frequency() -> None:
    assert adjust(0.5, 3.0) == 0.75
    assert adjust(0.4, 0.0) == 0.0 and adjust(1.0, 0.5) == 1.0
    # 朱颖: two profiles hold it, surname and given name predict six: a third of the odds.
    assert abs(name_factor(2, 6.0) - 1 / 3) < 1e-9
    # A rare given name seen twice gains nothing (the factor is capped at 1).
    assert name_factor(2, 0.3) == 1.0 and name_factor(1, 0.0) == 1.0


def test_attach_records_a_clear_winner_and_leaves_close_candidates() -> None:
    c = Clustering([None, "A", "B", "C", None])
    c.attach([(0, 1, 0.45), (0, 2, 0.04), (4, 2, 0.40), (4, 3, 0.30)], weak={0, 4}, rule="sole_candidate")
    assert c.find(0) == c.find(1) and c.find(4) == 4
    assert c.decisions[0] == ("attached", 0.45, 0.04, 1)
    assert c.decisions[4][:3] == ("ambiguous", 0.40, 0.30)


def _suit(con: duckdb.DuckDBPyConnection, case_no: str, name: str, id_no: str | None = None,
          phone: str | None = None, address: str | None = None) -> str:
    insert(con, "court_parties", case_no=case_no, party_key="P1", role="plaintiff", name=name,
           id_no=id_no, id_no_valid=True if id_no else None, phone=phone, address=address)
    return f"court_parties:{case_no}|P1:party"


def test_a_mention_whose_phone_the_candidate_never_has_stays_alone(
    warehouse: Connect, with_model: Settings
) -> None:
    con = warehouse()
    populate_people(con, 120, seed=3)
    id_no = make_id("330102", "1961-05-06", 77)
    with_phone = _suit(con, "N1", "钱慧玲", id_no, phone="13955550000")
    bare = _suit(con, "N2", "钱慧玲", id_no, address="杭州市上城区解放路1号")
    # Name and another phone: nothing in common with N2 but the name, a phone N1 contradicts.
    other = _suit(con, "N3", "钱慧玲", phone="13766661234")
    run_link(con, with_model)
    ents = dict(con.execute(
        "SELECT table_name || ':' || record_key || ':' || role, entity_id FROM mentions").fetchall())
    assert ents[with_phone] == ents[bare]
    assert ents[other] != ents[bare]
    decided = con.execute(
        "SELECT decision, context FROM _link_attach a JOIN _link_input i USING (node_key) "
        "WHERE i.record_key = 'N3|P1'").fetchone()
    if decided is not None:  # the model's pair with N2 reached the attach band
        assert decided[0] != "attached" and "conflict=phone" in decided[1]
    ex = explain(con, with_model, MentionRef.parse(other), MentionRef.parse(bare))
    assert not ex.same_entity


def test_the_context_of_a_candidate_cluster() -> None:
    from procura.link.context import ContextModel

    con = duckdb.connect()
    con.execute("""
        CREATE TABLE _link_input AS SELECT * FROM (VALUES
          (1, 'person/id:X', 'court_parties', 'N1|P1', 'person', '钱慧玲', 'X', TRUE, '13955550000', NULL,
           NULL, NULL::DATE, DATE '1961-05-06'),
          (2, 'person/id:X', 'police_reports', 'R1', 'person', '钱慧玲', 'X', TRUE, NULL, 'F',
           '330102', DATE '2024-03-01', DATE '1961-05-06'),
          (3, 'person/pf:3', 'court_parties', 'N3|P1', 'person', '钱慧玲', NULL, FALSE, '13766661234', NULL,
           NULL, NULL, NULL),
          (4, 'person/pf:4', 'police_reports', 'R2', 'person', '钱慧玲', NULL, FALSE, NULL, NULL,
           '330102', DATE '2024-05-01', NULL),
          (5, 'person/pf:5', 'police_reports', 'R3', 'person', '钱慧玲', NULL, FALSE, NULL, 'M',
           '330106', DATE '1950-01-01', NULL)
        ) t(mention_id, node_key, table_name, record_key, kind, name, id_no, id_valid, phone, sex, region,
            record_date, birth_date)""")
    con.execute("CREATE TEMP TABLE _lk_nodes AS SELECT node_key, "
                "CAST(row_number() OVER (ORDER BY node_key) - 1 AS BIGINT) AS node "
                "FROM (SELECT DISTINCT node_key FROM _link_input)")
    model = ContextModel(con, [0, 1, 2, 3])  # nodes: X, pf:3, pf:4, pf:5, each its own cluster
    assert model.weights == {}  # far too few mentions to estimate anything
    phone, near, before = model.contexts([([3], 0), ([4], 0), ([5], 0)])
    assert phone.levels["conflict"] == "phone" and phone.ratio == 0.0
    assert near.levels == {"region": "agree", "date": "near", "birth": "after_birth"} and near.ratio == 1.0
    assert before.levels["conflict"] == "sex" and before.levels["birth"] == "before_birth"
    assert "conflict=sex x0" in before.evidence(model.weights)
    model.close()


def test_explain_shows_the_attachment_and_its_evidence() -> None:
    from procura.link.explain import _attachment

    con = duckdb.connect()
    con.execute("CREATE TABLE _link_attach AS SELECT 'person/pf:4' AS node_key, 'attached' AS decision, "
                "0.62 AS probability, 0.41 AS model_probability, 0.03 AS runner_up, "
                "'region=agree x2.1 (同一区县 same county as another record of the candidate)' AS context, "
                "'person/id:X' AS candidate_key")
    side = {"node_key": "person/pf:4", "table_name": "police_reports", "record_key": "R2", "role": "suspect"}
    line = _attachment(con, side)
    assert line is not None
    assert line.startswith("police_reports:R2:suspect 按姓名及上下文归并 attached")
    assert "probability 概率 0.620, model 模型 0.410, runner-up 次优 0.030" in line
    assert "region=agree x2.1" in line and "person/id:X" in line
    assert _attachment(con, {**side, "node_key": "person/pf:9"}) is None
