"""The size limits of one ingested file, from the settings (ADR 0565).

A file over a limit of the file as a whole (columns, sheet rows, a workbook's
decompressed size) is refused before it is read whole; a cell over the cell
limit quarantines its row.
"""

from __future__ import annotations

from dataclasses import dataclass

from procura.config import Settings


@dataclass(frozen=True)
class Limits:
    columns: int
    cell_chars: int
    sheet_rows: int
    xlsx_bytes: int

    @classmethod
    def of(cls, settings: Settings | None = None) -> Limits:
        s = settings or Settings()
        return cls(
            s.ingest_max_columns, s.ingest_max_cell_chars, s.ingest_max_sheet_rows, s.ingest_max_xlsx_mb << 20
        )
