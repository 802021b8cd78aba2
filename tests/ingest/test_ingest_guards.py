"""Issue 10, ingest guards (ADR 0565): symlinks out of the dataset, size limits, per-row encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from procura.config import Settings
from procura.ingest.service import ingest
from tests.ingest.sample_files import rows_of

H = ["report_id", "region_code", "received_at", "offense_type", "filed"]
OK = ["R1", "330110", "2024-01-05", "other", "true"]


def _csv(*rows: list[str]) -> str:
    return "".join(",".join(r) + "\n" for r in (H, *rows))


def test_a_symlink_out_of_the_dataset_is_refused_and_not_read(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "police_reports.csv").write_text(_csv(OK), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "court_cases.csv").symlink_to(outside / "police_reports.csv")
    (folder / "more").symlink_to(outside, target_is_directory=True)
    (folder / "sub").mkdir()
    (folder / "sub" / "police_reports.csv").write_text(_csv(["R9", *OK[1:]]), encoding="utf-8")
    (folder / "inside.csv").symlink_to(folder / "sub" / "police_reports.csv")  # inside: fine, skipped by name
    summary = ingest(settings, folder)
    refused = {f.file: f.message for f in summary.rejected}
    assert set(refused) == {"court_cases.csv", "more"}
    assert refused["court_cases.csv"].startswith("court_cases.csv: symbolic link pointing outside")
    assert refused["more"].startswith("more: symbolic link pointing outside")
    assert rows_of(settings, "SELECT report_id FROM police_reports") == [("R9",)]
    assert rows_of(settings, "SELECT count(*) FROM court_cases") == [(0,)]
    assert rows_of(settings, "SELECT count(*) FROM _batches WHERE table_name = 'court_cases'") == [(0,)]


def test_one_gbk_row_in_a_utf8_file_is_quarantined_and_the_rest_kept_right(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "police_reports.csv"
    head = ",".join([*H, "备注"]) + "\n"
    good = [",".join([f"R{i}", *OK[1:], "余杭"]) + "\n" for i in (1, 2, 4)]
    gbk_row = ",".join(["R3", *OK[1:], "浙江省杭州市余杭区南苑街道派出所接报网络诽谤案件" * 4]) + "\n"
    path.write_bytes((head + good[0] + good[1]).encode() + gbk_row.encode("gb18030") + good[2].encode())
    [result] = ingest(settings, path).files
    assert (result.status, result.stored, result.quarantined) == ("loaded", 3, 1)
    assert rows_of(settings, "SELECT DISTINCT json_extract_string(_extra, '$.备注') FROM police_reports") == [
        ("余杭",)
    ]
    [(row, reason)] = rows_of(settings, "SELECT source_row, reason FROM _quarantine")
    assert row == 3 and "not valid UTF-8 (GB18030" in reason
    assert rows_of(settings, "SELECT encoding FROM _batches") == [("utf-8",)]


def test_a_gb18030_file_stays_gb18030(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "police_reports.csv"
    path.write_bytes(
        (",".join([*H, "备注"]) + "\n" + ",".join([*OK, "余杭区南苑街道"]) + "\n").encode("gb18030")
    )
    [result] = ingest(settings, path).files
    assert (result.stored, result.quarantined) == (1, 0)
    assert rows_of(settings, "SELECT json_extract_string(_extra, '$.备注') FROM police_reports") == [
        ("余杭区南苑街道",)
    ]


def test_one_gbk_line_in_a_utf8_jsonl_is_quarantined(settings: Settings, tmp_path: Path) -> None:
    import json

    def line(i: int, note: str) -> str:
        return json.dumps({**dict(zip(H, [f"R{i}", *OK[1:]], strict=True)), "note": note}, ensure_ascii=False)

    path = tmp_path / "police_reports.jsonl"
    body = (line(1, "余杭") + "\n" + line(2, "余杭") + "\n").encode()
    body += (line(3, "余杭区南苑街道派出所" * 8) + "\n").encode("gb18030") + (line(4, "余杭") + "\n").encode()
    path.write_bytes(body)
    [result] = ingest(settings, path).files
    assert (result.status, result.stored, result.quarantined) == ("loaded", 3, 1)
    assert rows_of(settings, "SELECT _source_row FROM police_reports ORDER BY 1") == [(1,), (2,), (4,)]
    [(row, reason)] = rows_of(settings, "SELECT source_row, reason FROM _quarantine")
    assert row == 3 and "GB18030 bytes?" in reason


def test_a_csv_of_20000_columns_is_refused_fast_by_the_column_limit(
    settings: Settings, tmp_path: Path
) -> None:
    import time

    path = tmp_path / "police_reports.csv"
    wide = [*H, *(f"c{i}" for i in range(20_013))]
    path.write_text(",".join(wide) + "\n" + ",".join([*OK, *("x" * 20_013)]) + "\n", encoding="utf-8")
    started = time.perf_counter()
    [result] = ingest(settings, path).files
    assert time.perf_counter() - started < 10
    assert result.status == "rejected"
    assert result.message == (
        "police_reports.csv: 20018 columns, more than the limit of 500 (setting PROCURA_INGEST_MAX_COLUMNS)"
    )
    assert rows_of(settings, "SELECT count(*) FROM police_reports") == [(0,)]


def test_the_column_limit_is_a_setting_and_holds_for_jsonl(tmp_path: Path) -> None:
    import json

    settings = Settings(home=tmp_path / "ws", ingest_max_columns=5).ensure()
    path = tmp_path / "police_reports.jsonl"
    path.write_text(json.dumps({**dict(zip(H, OK, strict=True)), "note": "x"}) + "\n", encoding="utf-8")
    [result] = ingest(settings, path).files
    assert result.status == "rejected" and "6 columns, more than the limit of 5" in result.message


def test_a_cell_over_the_cell_limit_quarantines_its_row_naming_the_field(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "ws", ingest_max_cell_chars=100).ensure()
    path = tmp_path / "police_reports.csv"
    path.write_text(_csv(OK, ["R2", *OK[1:3], "x" * 101, "true"]), encoding="utf-8")
    [result] = ingest(settings, path).files
    assert (result.stored, result.quarantined) == (1, 1)
    assert rows_of(settings, "SELECT source_row, field, reason FROM _quarantine") == [
        (2, "offense_type", "value too long (101 characters, more than the limit of 100)")
    ]


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for r in [H, *rows]:
        sheet.append(r)
    book.save(path)
    return path


def test_an_xlsx_sheet_over_the_row_limit_is_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "ws", ingest_max_sheet_rows=5).ensure()
    path = _xlsx(tmp_path / "police_reports.xlsx", [[f"R{i}", *OK[1:]] for i in range(10)])
    [result] = ingest(settings, path).files
    assert result.status == "rejected"
    assert result.message == (
        "police_reports.xlsx: sheet 'Sheet' has at least 11 rows, more than the limit of 5 "
        "(setting PROCURA_INGEST_MAX_SHEET_ROWS); refused before reading its cells"
    )
    assert rows_of(settings, "SELECT count(*) FROM police_reports") == [(0,)]


def _rewrite_sheet(path: Path, sheet_xml: str) -> Path:
    """The workbook at ``path`` with its first sheet's XML replaced (a cheap way to a huge sheet)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _row(n: int, cells: list[str]) -> str:
    inline = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    return f'<row r="{n}">{inline}</row>'


_SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:E{last}"/><sheetData>{rows}</sheetData></worksheet>'
)


def test_an_xlsx_sheet_declaring_too_many_rows_is_refused_before_its_cells_are_loaded(
    tmp_path: Path,
) -> None:
    import time

    # A sparse sheet: header, one row, and one cell at row 20,000,000. Loading it whole (calamine
    # builds the full range) would take minutes and gigabytes; its declared dimension refuses it.
    settings = Settings(home=tmp_path / "ws").ensure()
    last = 20_000_000
    rows = _row(1, H) + _row(2, OK) + _row(last, ["R9", *OK[1:]])
    path = _rewrite_sheet(_xlsx(tmp_path / "police_reports.xlsx", []), _SHEET.format(last=last, rows=rows))
    started = time.perf_counter()
    [result] = ingest(settings, path).files
    assert time.perf_counter() - started < 10
    assert result.status == "rejected"
    assert result.message == (
        "police_reports.xlsx: sheet 'Sheet' declares 20000000 rows, more than the limit of 1048576 "
        "(setting PROCURA_INGEST_MAX_SHEET_ROWS); refused before reading its cells"
    )


def test_an_xlsx_sheet_understating_its_dimension_is_counted_from_its_rows(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "ws", ingest_max_sheet_rows=50).ensure()
    rows = _row(1, H) + "".join(_row(n, [f"R{n}", *OK[1:]]) for n in range(2, 80))
    path = _rewrite_sheet(_xlsx(tmp_path / "police_reports.xlsx", []), _SHEET.format(last=2, rows=rows))
    [result] = ingest(settings, path).files
    assert result.status == "rejected"
    assert result.message.startswith("police_reports.xlsx: sheet 'Sheet' has at least 79 rows, more than")


def test_the_row_limit_applies_to_the_mapped_sheet_only(tmp_path: Path) -> None:
    import openpyxl

    from procura.ingest.transform import FileProblem
    from procura.ingest.xlsx import check_sheet_rows

    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook(write_only=True)
    small, big = book.create_sheet("小表"), book.create_sheet("big")
    small.append(H)
    for n in range(30):
        big.append([f"R{n}"])
    book.save(path)
    check_sheet_rows(path, "小表", 10)  # fine
    check_sheet_rows(path, None, 10)  # the first sheet is the small one
    with pytest.raises(FileProblem) as refused:
        check_sheet_rows(path, "big", 10)
    assert str(refused.value) == (
        "two.xlsx: sheet 'big' has at least 30 rows, more than the limit of 10 "
        "(setting PROCURA_INGEST_MAX_SHEET_ROWS); refused before reading its cells"
    )


def test_an_xlsx_that_decompresses_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import secrets
    import zipfile

    settings = Settings(home=tmp_path / "ws", ingest_max_xlsx_mb=1).ensure()
    # Random text barely compresses: far under the zip-bomb ratio, but over 1 MB once inflated.
    path = _xlsx(
        tmp_path / "police_reports.xlsx", [[f"R{i}", *OK[1:], secrets.token_hex(200)] for i in range(2000)]
    )
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert sum(i.file_size for i in infos) < 10 * sum(i.compress_size for i in infos)
    [result] = ingest(settings, path).files
    assert result.status == "rejected"
    assert result.message.startswith("police_reports.xlsx: refused, expands to ")
    assert "setting PROCURA_INGEST_MAX_XLSX_MB" in result.message
