"""Every format and encoding loads to the same standard rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from tests.ingest.sample_files import HEADER, ROWS, rows_of, write_csv, write_jsonl, write_parquet, write_xlsx

from procura.config import Settings
from procura.ingest.service import ingest

EXPECTED = [
    (
        "R1",
        "330110",
        dt.date(2024, 1, 5),
        "online_defamation",
        "张三",
        "11010519491231002X",
        True,
        "13800000000",
        True,
        10,
    ),
    (
        "R2",
        "330110",
        dt.date(2024, 1, 6),
        "online_insult",
        "李四",
        "11010519491231002X",
        True,
        "13800000001",
        True,
        1234,
    ),
    (
        "R3",
        "330102",
        dt.date(2024, 1, 7),
        "telecom_fraud",
        "王五",
        "110105194912310021",
        False,
        None,
        False,
        None,
    ),
    ("R4", "330102", dt.date(2024, 1, 8), "other", None, "130503196704010016", True, None, False, 0),
]
QUERY = (
    "SELECT report_id, region_code, received_at, offense_type, victim_name, victim_id_no, "
    "victim_id_no_valid, "
    "victim_phone, filed, views_count FROM police_reports ORDER BY report_id"
)


@pytest.mark.parametrize("fmt", ["csv", "csv-bom", "csv-gb18030", "jsonl", "xlsx", "parquet"])
def test_each_format_gives_the_standard_rows(settings: Settings, tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    if fmt.startswith("csv"):
        enc = {"csv": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[fmt]
        write_csv(folder / "police_reports.csv", HEADER, ROWS, enc)
    elif fmt == "jsonl":
        write_jsonl(folder / "police_reports.jsonl", HEADER, ROWS)
    elif fmt == "xlsx":
        write_xlsx(folder / "police_reports.xlsx", HEADER, ROWS)
    else:
        write_parquet(folder / "police_reports.parquet", HEADER, ROWS)
    summary = ingest(settings, folder)
    assert summary.totals == {"read": 4, "stored": 4, "updated": 0, "unchanged": 0, "quarantined": 0}
    assert rows_of(settings, QUERY) == EXPECTED
    extra = rows_of(
        settings,
        "SELECT _extra->>'unit_note', _source_file, _source_row FROM police_reports ORDER BY report_id",
    )
    assert extra[0][0] == "x" and extra[0][2] == 1 and extra[3][2] == 4


def test_xlsx_native_cell_types(settings: Settings, tmp_path: Path) -> None:
    header = [
        "order_id",
        "platform_uscc",
        "user_ref",
        "city_code",
        "sku",
        "ordered_at",
        "paid_price",
        "user_registered_at",
    ]
    rows = [
        [
            "O1",
            "91350100M000100Y43",
            "U1",
            330100,
            "S1",
            dt.datetime(2024, 5, 1, 9, 30),
            12.5,
            dt.date(2020, 1, 2),
        ]
    ]
    write_xlsx(tmp_path / "platform_orders.xlsx", header, rows)
    ingest(settings, tmp_path / "platform_orders.xlsx")
    assert rows_of(
        settings,
        "SELECT city_code, ordered_at, paid_price, user_registered_at, platform_uscc_valid "
        "FROM platform_orders",
    ) == [("330100", dt.datetime(2024, 5, 1, 9, 30), Decimal("12.50"), dt.datetime(2020, 1, 2), True)]


def test_folder_with_other_files_reports_them_skipped(settings: Settings, tmp_path: Path) -> None:
    write_csv(tmp_path / "police_reports.csv", HEADER, ROWS)
    (tmp_path / "truth.json").write_text("{}")
    (tmp_path / "README.md").write_text("notes")
    summary = ingest(settings, tmp_path)
    assert sorted(f.file for f in summary.skipped) == ["README.md", "truth.json"]
    assert summary.totals["stored"] == 4
