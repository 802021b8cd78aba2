"""A table of malformed inputs: each ends as a rejected file with a message naming the file
(nothing written), or as quarantine entries naming file, row and field — never a traceback,
never a partial write, and always read = stored + updated + unchanged + quarantined."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from procura.config import Settings
from procura.ingest.service import ingest
from tests.ingest.sample_files import rows_of, write_csv, write_jsonl, write_xlsx

H = ["report_id", "region_code", "received_at", "offense_type", "victim_id_no", "views_count", "filed"]
OK = ["R1", "330110", "2024-01-05", "other", "", "1", "true"]


def row(**changes: str) -> list[str]:
    values = dict(zip(H, ["R2", *OK[1:]], strict=True))
    values.update(changes)
    return [values[h] for h in H]


def csv_file(
    rows: list[list[str]], header: list[str] = H, name: str = "police_reports.csv", encoding: str = "utf-8"
) -> Callable[[Path], Path]:
    return lambda d: write_csv(d / name, header, rows, encoding)


def raw_file(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name

    return build


def text_lines(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_merged_header(d: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["report_id", "接报", None, "offense_type", "filed"])
    sheet.merge_cells("B1:C1")
    sheet.append(["R1", "330110", "2024-01-05", "other", "true"])
    book.save(d / "police_reports.xlsx")
    return d / "police_reports.xlsx"


def zip_bomb(d: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    (d / "police_reports.xlsx").write_bytes(buffer.getvalue())
    return d / "police_reports.xlsx"


def mixed_encoding(d: Path) -> Path:
    """A UTF-8 file (Chinese in row 1) with one row saved as GB18030."""
    body = text_lines(",".join([*H, "备注"]), ",".join([*OK, "浙江省杭州市余杭区南苑街道" * 3]))
    body += ",".join([*row(), "张三"]).encode("gb18030") + b"\n"
    (d / "police_reports.csv").write_bytes(body)
    return d / "police_reports.csv"


REJECTED = "rejected"
# (case id, file builder, outcome, row, field, words in the reason)
CASES: list[tuple[str, Callable[[Path], Path], str, int | None, str | None, str]] = [
    ("empty file", raw_file("police_reports.csv", b""), REJECTED, None, None, "empty"),
    (
        "only a BOM and blank lines",
        raw_file("police_reports.csv", b"\xef\xbb\xbf\n\n"),
        REJECTED,
        None,
        None,
        "empty",
    ),
    ("header only", raw_file("police_reports.csv", text_lines(",".join(H))), "no rows", None, None,
     "no data rows"),
    ("header only, xlsx", lambda d: write_xlsx(d / "police_reports.xlsx", H, []), "no rows", None, None,
     "no data rows"),
    (
        "missing required column",
        csv_file([OK[:2] + OK[3:]], H[:2] + H[3:]),
        REJECTED,
        None,
        None,
        "missing required column(s) received_at",
    ),
    ("duplicate column", csv_file([[*OK, "x"]], [*H, "Report_ID"]), REJECTED, None, None, "duplicate column"),
    (
        "empty header cell",
        csv_file([[*OK[:2], "x", *OK[2:]]], [*H[:2], "", *H[2:]]),
        REJECTED,
        None,
        None,
        "header cell 3 is empty",
    ),
    ("xlsx merged header cells", xlsx_merged_header, REJECTED, None, None, "merged header"),
    ("xlsx zip bomb", zip_bomb, REJECTED, None, None, "zip bomb"),
    (
        "csv content named .xlsx",
        raw_file("police_reports.xlsx", text_lines(",".join(H), ",".join(OK))),
        REJECTED,
        None,
        None,
        "extension says xlsx but the content is text",
    ),
    (
        "xlsx content named .csv",
        lambda d: write_xlsx(d / "police_reports.csv", H, [OK]),
        REJECTED,
        None,
        None,
        "extension says csv but the content is XLSX",
    ),
    (
        "binary data named .csv",
        raw_file("police_reports.csv", bytes(range(256)) * 4),
        REJECTED,
        None,
        None,
        "content is binary",
    ),
    (
        "zip without worksheets",
        raw_file("police_reports.xlsx", b"PK\x03\x04" + b"\0" * 64),
        REJECTED,
        None,
        None,
        "not a valid XLSX",
    ),
    (
        "broken parquet",
        raw_file("police_reports.parquet", b"PAR1" + b"\x01" * 64),
        REJECTED,
        None,
        None,
        "cannot read as Parquet",
    ),
    (
        "truncated row",
        raw_file("police_reports.csv", text_lines(",".join(H), ",".join(OK), "R2,330110")),
        "quarantine",
        2,
        None,
        "too few columns",
    ),
    (
        "row with too many columns",
        raw_file("police_reports.csv", text_lines(",".join(H), ",".join(OK), ",".join([*row(), "extra"]))),
        "quarantine",
        2,
        None,
        "too many columns",
    ),
    ("wrong encoding in one row", mixed_encoding, "quarantine", 2, None, "not valid UTF-8"),
    (
        "10 MB field",
        csv_file([OK, row(report_id="R2", offense_type="x" * (10 * 1024 * 1024))]),
        "quarantine",
        2,
        "offense_type",
        "value too long",
    ),
    ("NUL byte", csv_file([OK, row(victim_id_no="1101\x0005")]), "quarantine", 2, "victim_id_no", "NUL byte"),
    (
        "formula injection",
        csv_file([OK, row(report_id="=cmd|' /C calc'!A0")]),
        "quarantine",
        2,
        "report_id",
        "formula",
    ),
    (
        "formula injection with +",
        csv_file([OK, row(offense_type="+SUM(A1:A9)")]),
        "quarantine",
        2,
        "offense_type",
        "formula",
    ),
    # Issue 10: these passed the raw check (digits after the sign; clean-up made the formula).
    (
        "formula injection +digits",
        csv_file([OK, row(report_id="+2+5+cmd|' /C calc'!A0")]),
        "quarantine",
        2,
        "report_id",
        "formula",
    ),
    (
        "formula injection -digits",
        csv_file([OK, row(report_id="-2+3+cmd|' /C calc'!A0")]),
        "quarantine",
        2,
        "report_id",
        "formula",
    ),
    (
        "formula after a leading newline",
        csv_file([OK, row(report_id="\n=1+1")]),
        "quarantine",
        2,
        "report_id",
        "formula",
    ),
    (
        "full-width formula sign",
        csv_file([OK, row(report_id="＝1+1")]),
        "quarantine",
        2,
        "report_id",
        "formula",
    ),
    (
        "impossible date 2024-02-30",
        csv_file([OK, row(received_at="2024-02-30")]),
        "quarantine",
        2,
        "received_at",
        "impossible date",
    ),
    (
        "date out of range",
        csv_file([OK, row(received_at="3024-01-01")]),
        "quarantine",
        2,
        "received_at",
        "out of range",
    ),
    (
        "not a date",
        csv_file([OK, row(received_at="yesterday")]),
        "quarantine",
        2,
        "received_at",
        "not a date",
    ),
    (
        "required field empty",
        csv_file([OK, row(received_at="")]),
        "quarantine",
        2,
        "received_at",
        "required field is empty",
    ),
    (
        "unknown enum value",
        csv_file([OK, row(offense_type="libel")]),
        "quarantine",
        2,
        "offense_type",
        "unknown value",
    ),
    ("not a boolean", csv_file([OK, row(filed="maybe")]), "quarantine", 2, "filed", "yes/no"),
    (
        "bad region code",
        csv_file([OK, row(region_code="3301")]),
        "quarantine",
        2,
        "region_code",
        "region code",
    ),
    (
        "count with letters",
        csv_file([OK, row(views_count="12a")]),
        "quarantine",
        2,
        "views_count",
        "not a whole number",
    ),
    (
        "negative count",
        csv_file([OK, row(views_count="-3")]),
        "quarantine",
        2,
        "views_count",
        "negative count",
    ),
    (
        "duplicate primary key",
        csv_file([OK, row(report_id="R1", filed="false")]),
        "quarantine",
        2,
        "report_id",
        "duplicate primary key (first at row 1)",
    ),
    (
        "negative money",
        csv_file(
            [["C1", "V1", "-100"]], ["case_no", "victim_key", "loss_amount"], "criminal_case_victims.csv"
        ),
        "quarantine",
        1,
        "loss_amount",
        "negative amount",
    ),
    (
        "money with two dots",
        csv_file(
            [["C1", "V1", "1.2.3"]], ["case_no", "victim_key", "loss_amount"], "criminal_case_victims.csv"
        ),
        "quarantine",
        1,
        "loss_amount",
        "not an amount",
    ),
    (
        "impossible timestamp",
        csv_file(
            [["O1", "91350100M000100Y43", "U1", "330100", "S1", "2024-13-01 10:00", "9.9"]],
            ["order_id", "platform_uscc", "user_ref", "city_code", "sku", "ordered_at", "paid_price"],
            "platform_orders.csv",
        ),
        "quarantine",
        1,
        "ordered_at",
        "impossible date",
    ),
    (
        "broken JSON line",
        lambda d: _jsonl_with(d, '{"report_id": "R2", "region_code"'),
        "quarantine",
        2,
        None,
        "not a JSON object",
    ),
    (
        "JSON line that is an array",
        lambda d: _jsonl_with(d, '["R2", "330110"]'),
        "quarantine",
        2,
        None,
        "not a JSON object",
    ),
    (
        "xlsx formula cell",
        lambda d: write_xlsx(d / "police_reports.xlsx", H, [OK, row(views_count="=1+1")]),
        "quarantine",
        2,
        "views_count",
        "formula",
    ),
    (
        "17-digit id_no",
        csv_file([OK, row(victim_id_no="11010519491231002")]),
        "flagged",
        2,
        "victim_id_no",
        "",
    ),
    (
        "id_no with a birth date of month 13",
        csv_file([OK, row(victim_id_no="110105194913310028")]),
        "flagged",
        2,
        "victim_id_no",
        "",
    ),
]


def _jsonl_with(d: Path, bad_line: str) -> Path:
    path = write_jsonl(d / "police_reports.jsonl", H, [OK])
    with path.open("a", encoding="utf-8") as fh:
        fh.write(bad_line + "\n")
    return path


def test_the_table_has_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("build", "outcome", "row_no", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_input(
    settings: Settings,
    tmp_path: Path,
    build: Callable[[Path], Path],
    outcome: str,
    row_no: int | None,
    field: str | None,
    words: str,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = build(folder)
    summary = ingest(settings, path)
    [result] = summary.files
    assert summary.balanced
    table = result.table
    assert table is not None
    stored = rows_of(settings, f"SELECT count(*) FROM {table}")[0][0]
    if outcome == REJECTED:
        assert result.status == "rejected"
        assert result.message.startswith(path.name) and words in result.message
        assert stored == 0
        entries = rows_of(settings, "SELECT source_file, reason FROM _quarantine")
        assert entries == [(path.name, result.message)]
        return
    if outcome == "no rows":
        assert (result.status, result.read, stored) == ("loaded", 0, 0) and words in result.message
        return
    if outcome == "flagged":
        assert result.quarantined == 0 and result.flagged == {field: 1}
        assert rows_of(settings, f"SELECT _source_row FROM {table} WHERE NOT {field}_valid") == [(row_no,)]
        return
    assert result.quarantined == 1 and result.stored == result.read - 1
    entries = rows_of(settings, "SELECT source_file, source_row, field, reason FROM _quarantine")
    assert [(e[0], e[1], e[2]) for e in entries] == [(path.name, row_no, field)]
    assert words in entries[0][3]
    assert stored == result.read - 1
