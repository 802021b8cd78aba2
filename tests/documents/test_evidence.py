from pathlib import Path

import pytest

from procura.documents import DocumentError, load_rows


def test_rows_are_read_by_primary_key_without_bookkeeping_columns(warehouse) -> None:
    [row] = load_rows(warehouse, [{"table": "police_reports", "key": {"report_id": "PR-2"}}])
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
    with pytest.raises(DocumentError, match="evidence reference"):
        load_rows(warehouse, [ref])


def test_a_missing_warehouse_or_table_gives_rows_without_values(tmp_path: Path, warehouse) -> None:
    refs = [{"table": "court_cases", "key": {"case_no": "X"}}]
    assert not load_rows(tmp_path / "none.duckdb", refs)[0].found
    assert not load_rows(warehouse, refs)[0].found
