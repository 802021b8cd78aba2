from pathlib import Path

import pytest

from procura.errors import InvalidInput
from procura.warehouse.evidence import read_evidence


def test_rows_are_read_by_primary_key_without_bookkeeping_columns(warehouse) -> None:
    [row] = read_evidence(warehouse, [{"table": "police_reports", "key": {"report_id": "PR-2"}}])
    assert row.found and row.values["victim_name"] == "欧阳娜娜"
    assert "_batch_id" not in row.values


@pytest.mark.parametrize(
    "ref",
    [
        {"table": "users; DROP TABLE x", "key": {"id": 1}},
        {"table": "police_reports", "key": {"report_id": "PR-1", "extra": 1}},
        {"table": "police_reports"},
    ],
)
def test_bad_references_are_clear_errors(warehouse, ref) -> None:
    with pytest.raises(InvalidInput, match="evidence reference"):
        read_evidence(warehouse, [ref])


def test_a_missing_warehouse_or_table_gives_rows_without_values(tmp_path: Path, warehouse) -> None:
    refs = [{"table": "court_cases", "key": {"case_no": "X"}}]
    assert not read_evidence(tmp_path / "none.duckdb", refs)[0].found
    assert not read_evidence(warehouse, refs)[0].found


def test_a_partial_or_non_key_reference_reads_every_matching_row(warehouse) -> None:
    warehouse.execute("CREATE TABLE criminal_cases(case_no VARCHAR, suspect_key VARCHAR, charge VARCHAR)")
    warehouse.execute(
        "INSERT INTO criminal_cases VALUES ('C-1','S1','other'), ('C-1','S2','other'), ('C-2','S1','x')"
    )
    rows = read_evidence(warehouse, [{"table": "criminal_cases", "key": {"case_no": "C-1"}}])
    assert [row.key for row in rows] == [
        {"case_no": "C-1", "suspect_key": "S1"},
        {"case_no": "C-1", "suspect_key": "S2"},
    ]
    [row] = read_evidence(warehouse, [{"table": "police_reports", "key": {"offense_type": "online_insult"}}])
    assert row.values["report_id"] == "PR-2"
