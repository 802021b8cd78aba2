"""Every format and encoding loads to the same standard rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from procura.config import Settings
from procura.ingest.service import ingest
from tests.ingest.sample_files import HEADER, ROWS, rows_of, write_csv, write_jsonl, write_parquet, write_xlsx

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


def test_xlsx_with_a_title_row_and_a_named_sheet(settings: Settings, tmp_path: Path) -> None:
    import openpyxl

    from procura.ingest.mapping import parse_mapping

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["本表为导出说明"])
    sheet = book.create_sheet("处罚")
    sheet.append(["某市市场监督管理局 行政处罚决定导出"])
    sheet.append(["决定书文号", "执法类别", "区划", "决定日期", "当事人类型", "违法类型", "移送", "罚款"])
    sheet.append(
        ["杭市监罚〔2024〕1号", "市场监管", "330100", dt.date(2024, 3, 1), "org", "other", "否", "1.5万"]
    )
    book.save(tmp_path / "export.xlsx")
    mapping = parse_mapping(
        "m.yaml",
        {
            "table": "admin_penalties",
            "sheet": "处罚",
            "header_row": 2,
            "columns": {
                "决定书文号": "penalty_id",
                "执法类别": "agency_type",
                "区划": "region_code",
                "决定日期": "decided_at",
                "当事人类型": "party_type",
                "违法类型": "violation_type",
                "移送": "transferred",
                "罚款": "fine_amount",
            },
            "values": {"agency_type": {"市场监管": "market_regulation"}},
        },
    )
    summary = ingest(settings, tmp_path / "export.xlsx", mapping)
    assert summary.totals["stored"] == 1
    assert rows_of(
        settings,
        "SELECT penalty_id, agency_type, decided_at, transferred, fine_amount, _source_row "
        "FROM admin_penalties",
    ) == [("杭市监罚〔2024〕1号", "market_regulation", dt.date(2024, 3, 1), False, Decimal("15000.00"), 1)]


def _with_sheet_xml(path: Path, edit: dict[bytes, bytes]) -> Path:
    """Rewrite the first worksheet's XML of ``path`` (byte replacements), as another tool might write it."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    for old, new in edit.items():
        assert old in sheet
        sheet = sheet.replace(old, new)
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return path


def test_xlsx_long_whole_number_keeps_its_digits(settings: Settings, tmp_path: Path) -> None:
    # A tool that stores an identity number as a number cell with all 18 digits:
    # read as a float it would lose the last ones, so such a workbook goes through openpyxl.
    from procura.ingest.xlsx import needs_openpyxl

    rows = [[*ROWS[0][:5], 111111, *ROWS[0][6:]]]
    path = write_xlsx(tmp_path / "police_reports.xlsx", HEADER, rows)
    assert not needs_openpyxl(path)
    _with_sheet_xml(path, {b"<v>111111</v>": b"<v>110105194912310038</v>"})
    assert needs_openpyxl(path)
    ingest(settings, path)
    assert rows_of(settings, "SELECT victim_id_no, victim_id_no_valid FROM police_reports") == [
        ("110105194912310038", True)
    ]


def test_xlsx_without_formulas_or_long_numbers_is_read_by_calamine(tmp_path: Path) -> None:
    from procura.ingest.xlsx import needs_openpyxl, read_xlsx

    path = write_xlsx(
        tmp_path / "t.xlsx",
        ["a", "b", "c", "d"],
        [[330100, 12.5, dt.datetime(2024, 5, 1, 9, 30), True], ["x", None, dt.date(2020, 1, 2), "  "]],
    )
    assert not needs_openpyxl(path)
    header, columns, numbers = read_xlsx(path, None)
    assert header == ["a", "b", "c", "d"] and numbers == [1, 2]
    assert columns == [["330100", "x"], ["12.5", None], ["2024-05-01 09:30:00", "2020-01-02"], ["true", "  "]]
