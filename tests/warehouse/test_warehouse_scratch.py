"""Scratch tables from Python columns (ADR 0140)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from procura.warehouse.scratch import columns_table
from tests.ingest.sample_files import HEADER, ROWS, write_xlsx


def test_columns_become_a_typed_table_in_order() -> None:
    con = duckdb.connect()
    columns_table(
        con,
        "t",
        {"n": ("BIGINT", range(3)), "s": ("VARCHAR", ["甲", None, "c"]), "p": ("DOUBLE", [0.5, None, 1])},
    )
    assert con.execute("SELECT * FROM t").fetchall() == [(0, "甲", 0.5), (1, None, None), (2, "c", 1.0)]
    assert [r[1] for r in con.execute("DESCRIBE t").fetchall()] == ["BIGINT", "VARCHAR", "DOUBLE"]


def test_empty_columns_keep_their_types() -> None:
    con = duckdb.connect()
    columns_table(con, "e", {"n": ("BIGINT", []), "s": ("VARCHAR", [])})
    assert con.execute("SELECT count(*) FROM e").fetchone() == (0,)
    assert [r[1] for r in con.execute("DESCRIBE e").fetchall()] == ["BIGINT", "VARCHAR"]


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        columns_table(duckdb.connect(), "x", {"a": ("BIGINT", [1, 2]), "b": ("BIGINT", [1])})


def test_ingesting_a_workbook_does_not_import_pandas(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "police_reports.xlsx", HEADER, ROWS)
    home = tmp_path / "ws"
    code = (
        "import sys; from pathlib import Path; from procura.config import Settings; "
        "from procura.ingest.service import ingest; "
        f"s = ingest(Settings(home=Path({str(home)!r})), Path({str(book)!r})); "
        "print(s.files[0].status, s.files[0].stored, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["loaded", str(len(ROWS)), "False"]
