"""Writing a rendered table as CSV (UTF-8, UTF-8 with BOM or GB18030), JSONL or XLSX.

A :class:`TableWriter` takes the rows in slices (``write`` renders a large table
a slice at a time, so memory does not grow with the table); the bytes are the
same as writing the whole table at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd

from procura.synth.schema import CSV_ENCODINGS, KINDS
from procura.synth.xlsx import XlsxWriter

# Rows of one table at which its XLSX sheet is written with zip64 sizes (it may pass 2 GiB).
XLSX_ZIP64_ROWS = 1_000_000


class TableWriter:
    """``directory/<table>.<fmt>`` written slice by slice; use as a context manager."""

    def __init__(
        self,
        directory: Path,
        table: str,
        fmt: str,
        columns: list[str],
        counts: tuple[str, ...],
        rows: int = 0,
    ) -> None:
        self.path = directory / f"{table}.{fmt}"
        self.fmt, self.counts, self.columns = fmt, counts, columns
        self.header = True
        self.fh: IO[str] | None = None
        self.xlsx: XlsxWriter | None = None
        if fmt == "csv":
            self.fh = self.path.open("w", encoding=CSV_ENCODINGS.get(table, "utf-8"), newline="")
        elif fmt == "jsonl":
            self.fh = self.path.open("w", encoding="utf-8", newline="")
        elif fmt == "xlsx":
            dates = [c for c, kind in KINDS.get(table, {}).items() if kind == "date"]
            self.numeric = counts + tuple(dates)
            self.xlsx = XlsxWriter(self.path, table, columns, self.numeric, large=rows >= XLSX_ZIP64_ROWS)
        else:
            raise ValueError(f"unknown format {fmt!r}")

    def write(self, text: pd.DataFrame) -> None:
        """Append rows (strings, None for empty) in the file's columns."""
        if self.fmt == "csv":
            assert self.fh is not None
            text.to_csv(self.fh, index=False, header=self.header)
        elif self.fmt == "jsonl":
            assert self.fh is not None
            if len(text):
                typed = _typed(text, self.counts)
                self.fh.write(typed.to_json(orient="records", lines=True, force_ascii=False))
        else:
            assert self.xlsx is not None
            self.xlsx.write(_typed(text, self.numeric))
        self.header = False

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        if self.xlsx is not None:
            self.xlsx.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _typed(text: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Plain-digit cells of ``columns`` as integers (as a system export would type them).

    Dates are never plain digits except Excel serials (five digits) and
    ``YYYYMMDD`` (eight): only the former become numbers.
    """
    out = text.copy()
    for column in columns:
        if column in out.columns:
            pattern = r"\d{5}" if column.endswith(("_at", "_date")) else r"\d+"
            digits = out[column].fillna("").str.fullmatch(pattern)
            numbers = out[column].where(digits, "0").astype("int64").astype(object)
            out[column] = out[column].astype(object).where(~digits, numbers)
    return out
