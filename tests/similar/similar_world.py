"""A small warehouse written through the real ingest connection, for similar-case and report tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from procura.config import Settings
from procura.warehouse.connection import connect

FRAUD = "冒充电商客服以退款为由诱导受害人下载会议软件共享屏幕后转账"
FAMILY = [
    ("PR-A1", "330106", "西湖区公安分局", date(2025, 3, 1), "telecom_fraud", FRAUD + "，损失两万元。"),
    (
        "PR-A2",
        "330106",
        "西湖区公安分局",
        date(2025, 3, 9),
        "telecom_fraud",
        "假冒网店客服称需退款，让受害人共享屏幕转账。",
    ),
    ("PR-A3", "330106", "西湖区公安分局", date(2025, 4, 2), "telecom_fraud", FRAUD + "。"),
    ("PR-B1", "330106", "西湖区公安分局", date(2025, 3, 5), "telecom_fraud", "以刷单返利为名诱导垫付资金。"),
    ("PR-C1", "330212", "鄞州区公安分局", date(2023, 1, 5), "telecom_fraud", FRAUD + "，报案人13812345678。"),
    (
        "PR-D1",
        "330212",
        "鄞州区公安分局",
        date(2025, 3, 6),
        "online_defamation",
        "有人在微博捏造事实诽谤报案人。",
    ),
]


def add_reports(settings: Settings, rows: list[tuple[Any, ...]], batch: str) -> None:
    con = connect(settings)
    try:
        for report_id, region, unit, day, offense, text in rows:
            con.execute(
                "INSERT INTO police_reports (report_id, region_code, police_unit, received_at, offense_type,"
                " description, filed, _batch_id) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)",
                [report_id, region, unit, day, offense, text, batch],
            )
    finally:
        con.close()
