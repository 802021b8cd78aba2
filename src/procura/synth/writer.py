"""Writing a rendered table as CSV (UTF-8, UTF-8 with BOM or GB18030), JSONL or XLSX."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from procura.synth.schema import CSV_ENCODINGS, KINDS
from procura.synth.xlsx import write_xlsx


def write_table(directory: Path, table: str, fmt: str, text: pd.DataFrame, counts: tuple[str, ...]) -> Path:
    """Write ``text`` (strings, None for empty) to ``directory/<table>.<fmt>``."""
    path = directory / f"{table}.{fmt}"
    if fmt == "csv":
        text.to_csv(path, index=False, encoding=CSV_ENCODINGS.get(table, "utf-8"))
    elif fmt == "jsonl":
        _write_jsonl(path, text, counts)
    elif fmt == "xlsx":
        _write_xlsx(path, text, counts)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path


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


def _write_jsonl(path: Path, text: pd.DataFrame, counts: tuple[str, ...]) -> None:
    _typed(text, counts).to_json(path, orient="records", lines=True, force_ascii=False)


def _write_xlsx(path: Path, text: pd.DataFrame, counts: tuple[str, ...]) -> None:
    """XLSX with counts as numbers and Excel serial dates (five digits) as numeric cells."""
    dates = [c for c, kind in KINDS.get(path.stem, {}).items() if kind == "date"]
    numeric = counts + tuple(dates)
    write_xlsx(path, _typed(text, numeric), path.stem, numeric)
