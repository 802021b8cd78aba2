"""Pairwise entity-resolution scores against the truth's mentions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from procura.evaluate.leads import EvaluationInputError
from procura.evaluate.linkage import read_linkage_csv, read_linkage_warehouse, score_linkage


def _m(key: str, entity: str, role: str = "victim") -> dict[str, object]:
    return {"table": "police_reports", "key": {"report_id": key}, "role": role, "entity": entity}


TRUTH = {
    "mentions": [
        _m("R1", "TP-1"),
        _m("R2", "TP-1"),
        _m("R3", "TP-1"),
        _m("R4", "TP-2"),
        _m("R5", "TO-9", "suspect"),
        _m("R6", "TO-9", "suspect"),
    ]
}


def _linkage(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"table": "police_reports", "key": k, "role": r, "entity_id": e} for k, r, e in rows]
    )


def test_perfect_linkage() -> None:
    link = _linkage(
        [
            ("R1", "victim", "a"),
            ("R2", "victim", "a"),
            ("R3", "victim", "a"),
            ("R4", "victim", "b"),
            ("R5", "suspect", "c"),
            ("R6", "suspect", "c"),
        ]
    )
    score = score_linkage(TRUTH, link, "x")
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (4, 4, 4)
    assert score.precision == score.recall == score.f1 == 1.0


def test_split_and_merge_errors_count_pairs() -> None:
    # R3 split off; R4 merged into the first entity; org mentions split apart.
    link = _linkage(
        [
            ("R1", "victim", "a"),
            ("R2", "victim", "a"),
            ("R3", "victim", "z"),
            ("R4", "victim", "a"),
            ("R5", "suspect", "c"),
            ("R6", "suspect", "d"),
        ]
    )
    score = score_linkage(TRUTH, link, "x")
    assert score.true_pairs == 4  # R1-R2, R1-R3, R2-R3, R5-R6
    assert score.predicted_pairs == 3  # among R1, R2, R4
    assert score.correct_pairs == 1  # R1-R2
    assert score.precision == pytest.approx(1 / 3) and score.recall == pytest.approx(1 / 4)
    assert score.by_kind["org"]["recall"] == 0.0


def test_only_mentions_on_both_sides_are_compared() -> None:
    link = _linkage([("R1", "victim", "a"), ("R2", "victim", "a"), ("R2", "suspect", "q")])
    score = score_linkage(TRUTH, link, "x")
    assert score.compared == 2 and score.truth_mentions == 6 and score.linked_mentions == 3


def test_reading_csv_and_warehouse(tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("table,key,role,entity_id,probability\npolice_reports,R1,victim,a,0.9\n", encoding="utf-8")
    assert read_linkage_csv(csv).iloc[0]["entity_id"] == "a"
    bad = tmp_path / "bad.csv"
    bad.write_text("table,key\nx,y\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match="role"):
        read_linkage_csv(bad)
    db = tmp_path / "w.duckdb"
    assert read_linkage_warehouse(db) is None
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE mentions(table_name VARCHAR, record_key VARCHAR, role VARCHAR, kind VARCHAR, "
        "entity_id VARCHAR, probability DOUBLE, rule VARCHAR)"
    )
    con.execute("INSERT INTO mentions VALUES ('police_reports', 'R1', 'victim', 'person', 'e1', 1.0, 'id')")
    con.close()
    frame = read_linkage_warehouse(db)
    assert frame is not None and frame.iloc[0]["key"] == "R1"


def test_person_recall_on_mentions_with_more_than_a_name(tmp_path: Path) -> None:
    # R1 and R2 carry an identity number or a phone, R3 only a name; R3 split off counts
    # against person recall but not against recall on mentions with more than a name.
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE mentions(table_name VARCHAR, record_key VARCHAR, role VARCHAR, kind VARCHAR, "
        "entity_id VARCHAR, probability DOUBLE, rule VARCHAR)"
    )
    con.execute(
        "CREATE TABLE _link_input(table_name VARCHAR, record_key VARCHAR, role VARCHAR, id_no VARCHAR, "
        "birth_date DATE, phone VARCHAR, address VARCHAR)"
    )
    for key, entity, id_no, phone in (("R1", "e1", "X1", None), ("R2", "e1", None, "139"),
                                      ("R3", "e3", None, None), ("R4", "e4", "X4", None)):
        con.execute("INSERT INTO mentions VALUES ('police_reports', ?, 'victim', 'person', ?, 1.0, 'id')",
                    [key, entity])
        con.execute("INSERT INTO _link_input VALUES ('police_reports', ?, 'victim', ?, NULL, ?, NULL)",
                    [key, id_no, phone])
    con.close()
    frame = read_linkage_warehouse(db)
    assert frame is not None
    score = score_linkage(TRUTH, frame, "w")
    assert score.by_kind["person"]["recall"] == pytest.approx(1 / 3)
    more = score.by_kind["person_more_than_name"]
    assert more["compared"] == 3 and more["recall"] == 1.0 and more["precision"] == 1.0
