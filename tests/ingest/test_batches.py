"""Idempotent batches, updates with history, the summary equation, mappings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from procura.config import Settings
from procura.ingest.mapping import MappingError, load_mapping, parse_mapping
from procura.ingest.service import ingest
from tests.ingest.sample_files import HEADER, ROWS, rows_of, write_csv

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "police"


def test_loading_the_same_file_twice_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "police_reports.csv", HEADER, [*ROWS, ["R9", "x", "", "", "", "", "", "", "", ""]]
    )
    first = ingest(settings, path)
    assert first.totals == {"read": 5, "stored": 4, "updated": 0, "unchanged": 0, "quarantined": 1}
    before = rows_of(settings, "SELECT * FROM police_reports ORDER BY report_id")
    quarantine = rows_of(settings, "SELECT count(*) FROM _quarantine")
    second = ingest(settings, path)
    assert second.totals == {"read": 5, "stored": 0, "updated": 0, "unchanged": 4, "quarantined": 1}
    assert second.files[0].status == "unchanged"
    assert rows_of(settings, "SELECT * FROM police_reports ORDER BY report_id") == before
    assert rows_of(settings, "SELECT count(*) FROM _quarantine") == quarantine
    assert rows_of(settings, "SELECT count(*) FROM _batches") == [(1,)]


def test_same_rows_in_a_new_file_are_unchanged(settings: Settings, tmp_path: Path) -> None:
    ingest(settings, write_csv(tmp_path / "police_reports.csv", HEADER, ROWS))
    other = tmp_path / "more"
    other.mkdir()
    summary = ingest(settings, write_csv(other / "police_reports.csv", HEADER, [*ROWS[:2], ROWS[1]]))
    # Row 3 repeats row 2's key inside the file: the second occurrence is quarantined.
    assert summary.totals == {"read": 3, "stored": 0, "updated": 0, "unchanged": 2, "quarantined": 1}
    reason = rows_of(settings, "SELECT reason FROM _quarantine")
    assert reason == [("duplicate primary key (first at row 2)",)]


def test_a_changed_row_is_updated_in_place_and_keeps_history(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "police_reports.csv", HEADER, ROWS)
    first = ingest(settings, path).files[0].batch_id
    changed = [list(r) for r in ROWS]
    changed[2][7] = "Y"  # R3 now filed
    shutil.copy(write_csv(tmp_path / "v2.csv", HEADER, changed), path)
    summary = ingest(settings, path)
    assert summary.totals == {"read": 4, "stored": 0, "updated": 1, "unchanged": 3, "quarantined": 0}
    assert summary.balanced
    assert rows_of(settings, "SELECT filed FROM police_reports WHERE report_id = 'R3'") == [(True,)]
    assert rows_of(settings, "SELECT count(*) FROM police_reports") == [(4,)]
    history = rows_of(settings, "SELECT record_key, row->>'filed', row->>'_batch_id' FROM _row_history")
    assert history == [("R3", "false", first)]


def test_the_example_police_export_loads_with_its_mapping(settings: Settings) -> None:
    summary = ingest(settings, EXAMPLES, EXAMPLES / "mapping.yaml")
    assert summary.totals == {"read": 8, "stored": 6, "updated": 0, "unchanged": 0, "quarantined": 2}
    assert [f.file for f in summary.skipped] == ["mapping.yaml"]
    rows = rows_of(
        settings,
        "SELECT report_id, offense_type, filed, victim_name, victim_phone, received_at, "
        "_extra->>'录入民警' FROM police_reports ORDER BY report_id",
    )
    assert rows[0][1:5] == ("online_defamation", False, "陈静", "13857120001")
    assert rows[0][6] == "张警官"
    assert rows_of(settings, "SELECT source_row, field FROM _quarantine ORDER BY source_row") == [
        (6, "received_at"),
        (7, "offense_type"),
    ]
    flagged = rows_of(settings, "SELECT count(*) FROM police_reports WHERE NOT victim_id_no_valid")
    assert flagged == [(1,)]


def test_mapping_errors_name_the_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="unknown field 'victim'"):
        parse_mapping("m.yaml", {"table": "police_reports", "columns": {"姓名": "victim"}})
    with pytest.raises(MappingError, match="'table' must be one of"):
        parse_mapping("m.yaml", {"table": "nope"})
    with pytest.raises(MappingError, match="unknown keys"):
        parse_mapping("m.yaml", {"table": "police_reports", "colums": {}})
    with pytest.raises(MappingError, match="several source columns map to"):
        parse_mapping("m.yaml", {"table": "police_reports", "columns": {"a": "report_id", "b": "report_id"}})
    broken = tmp_path / "bad.yaml"
    broken.write_text("table: [", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_mapping(broken)


def test_mapping_defaults_fill_missing_fields(settings: Settings, tmp_path: Path) -> None:
    mapping = parse_mapping(
        "m.yaml",
        {"table": "police_reports", "defaults": {"region_code": "330110"}, "columns": {"编号": "report_id"}},
    )
    header = ["编号", "received_at", "offense_type", "filed"]
    path = write_csv(tmp_path / "export.csv", header, [["P1", "2024-01-01", "other", "否"]])
    summary = ingest(settings, path, mapping)
    assert summary.totals["stored"] == 1
    assert rows_of(settings, "SELECT report_id, region_code FROM police_reports") == [("P1", "330110")]


def test_progress_hears_every_file_and_step(settings: Settings, tmp_path: Path) -> None:
    write_csv(tmp_path / "police_reports.csv", HEADER, ROWS)
    (tmp_path / "notes.txt").write_text("x")
    calls: list[tuple[str, int, int]] = []
    ingest(settings, tmp_path, progress=lambda name, done, total: calls.append((name, done, total)))
    names = [c[0] for c in calls]
    assert "police_reports.csv · 读取 reading" in names and "police_reports.csv · 写入 writing" in names
    assert calls[-1] == ("", 2, 2) and all(total == 2 for _, _, total in calls)
