"""A minimal, vectorized XLSX writer: one sheet, inline strings and integers.

openpyxl writes about 20k rows a second, which makes a 2M-row dataset miss its
two-minute budget. The sheet XML is built with Arrow's string kernels (about
five times faster than pandas string operations, ADR 0204) and streamed into
the zip a slice of rows at a time. The output is a standard Office Open XML
package (readable by Excel, LibreOffice, openpyxl and pandas).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NS = "http://schemas.openxmlformats.org"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{_NS}/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook(sheet: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_escape_one(sheet[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _escape_one(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _escape(text: pa.Array) -> pa.Array:
    """XML-escaped text; only the few cells holding &, < or > are rewritten (quotes too, in those)."""
    special = pc.match_substring_regex(text, "[&<>]")
    if not pc.any(special).as_py():
        return text
    escaped = text
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        escaped = pc.replace_substring(escaped, old, new)
    return pc.if_else(special, escaped, text)


def column_letter(index: int) -> str:
    """Excel column name of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells(values: pd.Series, letter: str, rows: pa.Array, numeric: bool) -> pa.Array:
    """The XML of one column's cells: integers as numbers, other values as inline strings, None as nothing."""
    n = len(values)
    cells = values.to_numpy(dtype=object)
    present = values.notna().to_numpy(bool)
    text = cells.copy()
    text[~present] = None
    is_int = np.zeros(n, dtype=bool)
    if numeric:
        is_int = np.fromiter(
            (isinstance(v, int | np.integer) and not isinstance(v, bool) for v in cells), bool, n
        )
        text[is_int] = [str(v) for v in cells[is_int]]
    escaped = _escape(pa.array(text, type=pa.string()))
    ref = f'<c r="{letter}'
    out = pc.binary_join_element_wise(
        ref, rows, '" t="inlineStr"><is><t xml:space="preserve">', escaped, "</t></is></c>", ""
    )
    if is_int.any():
        numbers = pc.binary_join_element_wise(ref, rows, '"><v>', escaped, "</v></c>", "")
        out = pc.if_else(pa.array(is_int), numbers, out)
    return pc.fill_null(out, "")


def _header(columns: list[str]) -> str:
    cells = "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>{_escape_one(str(name))}</t></is></c>'
        for i, name in enumerate(columns)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{_NS}/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{cells}</row>'
    )


def _rows(frame: pd.DataFrame, first_row: int, numeric: tuple[str, ...]) -> memoryview:
    """The sheet XML (UTF-8) of ``frame``'s rows, numbered from ``first_row``.

    Built with Arrow's string kernels; the joined cells of all rows lie back to
    back in the result's data buffer, which is returned without a copy.
    """
    n = len(frame)
    rows = pa.array(np.arange(first_row, first_row + n, dtype=np.int64)).cast(pa.string())
    parts: list[pa.Array | str] = ['<row r="', rows, '">']
    for i, column in enumerate(frame.columns):
        parts.append(_cells(frame[column].astype(object), column_letter(i), rows, column in numeric))
    joined = pc.binary_join_element_wise(*parts, "</row>", "")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)[joined.offset : joined.offset + n + 1]
    return memoryview(joined.buffers()[2])[offsets[0] : offsets[-1]] if n else memoryview(b"")


_FOOTER = "</sheetData></worksheet>"


class XlsxWriter:
    """An XLSX written in slices of rows: the sheet XML is streamed into the zip, never held whole."""

    def __init__(self, path: Path, sheet: str, columns: list[str], numeric: tuple[str, ...] = (),
                 large: bool = False) -> None:
        self.numeric = numeric
        self.next_row = 2
        self.zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        self.zf.writestr("_rels/.rels", ROOT_RELS)
        self.zf.writestr("xl/workbook.xml", _workbook(sheet))
        self.zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        # A sheet past 2 GiB needs the zip64 sizes; its size is not known when the stream opens.
        self.sheet = self.zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=large)
        self.sheet.write(_header(columns).encode("utf-8"))

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows (str or None cells; ints too in ``numeric`` columns)."""
        self.sheet.write(_rows(frame, self.next_row, self.numeric))
        self.next_row += len(frame)

    def close(self) -> None:
        self.sheet.write(_FOOTER.encode("utf-8"))
        self.sheet.close()
        self.zf.close()
