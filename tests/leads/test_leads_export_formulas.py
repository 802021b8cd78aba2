"""The CSV lead export escapes text a spreadsheet would run as a formula (ADR 0563)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from procura.evaluate.leads import read_lead_export
from procura.leads.export import write_csv
from procura.leads.orm import Lead

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+2+5+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def _lead(n: int, target: str) -> Lead:
    return Lead(
        id=f"L-{n}",
        fingerprint=f"fp{n}",
        model_id="m",
        model_version="1",
        params={},
        status="new",
        anchor=[{"table": "police_reports", "key": {"report_id": "-1"}}],
        evidence=[],
        subject={},
        target=target,
        region_code="330110",
        office="330110-county",
        prong="criminal",
        measure="x",
        score=0.5,
        explanation_zh=target,
        explanation_en="plain",
        details={},
    )


def test_formula_cells_are_escaped_and_the_export_still_evaluates(tmp_path: Path) -> None:
    out = io.StringIO()
    write_csv([_lead(n, text) for n, text in enumerate(HOSTILE)], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    for row, text in zip(rows, HOSTILE, strict=True):
        assert row["target"] == "'" + text and row["explanation_zh"] == "'" + text
        assert row["explanation_en"] == "plain"
    path = tmp_path / "leads.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert read_lead_export(path)[0]["anchor"] == [{"table": "police_reports", "key": {"report_id": "-1"}}]
