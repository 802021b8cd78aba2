"""Small police-report datasets in every supported format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb

from procura.config import Settings

HEADER = [
    "report_id",
    "region_code",
    "received_at",
    "offense_type",
    "victim_name",
    "victim_id_no",
    "victim_phone",
    "filed",
    "views_count",
    "unit_note",
]
ROWS = [
    [
        "R1",
        "330110",
        "2024-01-05",
        "online_defamation",
        "张三",
        "11010519491231002X",
        "13800000000",
        "true",
        "10",
        "x",
    ],
    [
        "R2",
        "330110000000",
        "2024/1/6",
        "Online Insult",
        "李 四",
        "11010519491231002x",
        "+86 13800000001",
        "是",
        "1,234",
        "",
    ],
    ["R3", "330102", "2024年1月7日", "telecom_fraud", "王五", "110105194912310021", "", "N", "", "y"],
    ["R4", "330102", "45299", "other", "", "130503670401001", "", "0", "0", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n")
    return path


def write_xlsx(path: Path, header: list[Any], rows: list[list[Any]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_parquet(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    con = duckdb.connect()
    cols = ", ".join(f'"{h}" VARCHAR' for h in header)
    con.execute(f"CREATE TABLE t ({cols})")
    con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(header))})", rows)
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    return path


def rows_of(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
