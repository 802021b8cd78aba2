"""XLSX reading with python-calamine (Rust), guarded against zip bombs.

calamine reads a sheet about 50 times faster than openpyxl but returns a
formula cell's cached value, not its formula, and every number as a float; a
workbook whose sheets hold a formula or a whole number of 16 digits or more
(rare in agency exports) is read with openpyxl instead, so that the formula
text reaches validation and is quarantined and a long identifier stored as a
number keeps its digits.

Cells become text the way the standard expects: dates ``YYYY-MM-DD``,
datetimes ISO, whole floats without ``.0``, booleans ``true``/``false``. A
formula cell is read as its formula text so that validation can reject it.
Empty header cells in the middle of the header (typically merged cells) make
the file unusable; trailing empty header cells are ignored.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from procura.ingest.limits import Limits
from procura.ingest.transform import FileProblem, check_width

if TYPE_CHECKING:
    from procura.ingest.mapping import Mapping

MAX_RATIO = 100
# In sheet XML: a formula element (<f>, <f t="shared" …/>, also with a namespace
# prefix), or a cell value that is a whole number too long for a float.
_OPENPYXL_ONLY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f[\s>/]|v>-?\d{16,}<)")
# In sheet XML: the declared used range (``<dimension ref="A1:E2000"/>``) and each row element.
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*\bref=\"(?:[A-Z]+\d+:)?[A-Z]+(\d+)\"")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def check_zip(path: Path, max_bytes: int) -> None:
    """FileProblem when the archive is not a zip or would expand suspiciously (read from its directory)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileProblem(f"{path.name}: not a valid XLSX (zip) file") from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > max_bytes or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise FileProblem(
            f"{path.name}: refused, expands to {total // (1024 * 1024)} MB from "
            f"{packed // 1024} KB (zip bomb? limit {max_bytes >> 20} MB, setting PROCURA_INGEST_MAX_XLSX_MB, "
            f"and {MAX_RATIO} times the packed size)"
        )
    if not any(i.filename.startswith("xl/worksheets/") for i in infos):
        raise FileProblem(f"{path.name}: a zip file without worksheets (not an XLSX workbook)")


def _sheet_part(archive: zipfile.ZipFile, name: str | None) -> tuple[str, str] | None:
    """``(sheet name, part path)`` of the named (or first) sheet, from the workbook's small XML parts."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None  # calamine / openpyxl report the broken workbook
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        if name is None or sheet.get("name") == name:
            target = targets.get(sheet.get(f"{_NS_REL}id"), "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return sheet.get("name", ""), part
    return None


def check_sheet_rows(path: Path, sheet: str | None, limit: int) -> None:
    """FileProblem when the sheet has more than ``limit`` rows, found before any cell is loaded.

    The declared dimension (``<dimension ref="A1:E2000000"/>``, at the start of
    the sheet XML) refuses a big sheet at once; otherwise the sheet XML is
    streamed and its rows counted (the highest row number, since rows may be
    sparse), stopping as soon as the count passes the limit. calamine and
    openpyxl would otherwise build the whole range in memory first.
    """
    with zipfile.ZipFile(path) as archive:
        found = _sheet_part(archive, sheet)
        if found is None or found[1] not in archive.namelist():
            return  # no such sheet: the reader says so
        name, part = found

        def refuse(rows: int, how: str) -> None:
            raise FileProblem(
                f"{path.name}: sheet {name!r} {how} {rows} rows, more than the limit of {limit} "
                "(setting PROCURA_INGEST_MAX_SHEET_ROWS); refused before reading its cells"
            )

        rows, tail = 0, b""
        with archive.open(part) as fh:
            first = True
            while chunk := fh.read(1024 * 1024):
                data = tail + chunk
                if first:
                    first = False
                    declared = _DIMENSION.search(data[:65536])
                    if declared and int(declared.group(1)) > limit:
                        refuse(int(declared.group(1)), "declares")
                # A row tag cut at the chunk's end is counted in the next round.
                cut = data.rfind(b"<")
                body, tail = (data[:cut], data[cut:]) if cut >= len(data) - 4096 else (data, b"")
                rows = _count_rows(body, rows)
                if rows > limit:
                    refuse(rows, "has at least")
        if _count_rows(tail, rows) > limit:
            refuse(_count_rows(tail, rows), "has at least")


def _count_rows(xml: bytes, rows: int) -> int:
    """``rows`` plus the row elements in ``xml``, or the highest row number met when larger."""
    for match in _ROW.finditer(xml):
        number = _ROW_NUMBER.search(match.group(1))
        rows = max(rows + 1, int(number.group(1))) if number else rows + 1
    return rows


def cell_text(value: Any) -> str | None:
    """A cell value as text in the standard's forms."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value)
    return text if text else None


def needs_openpyxl(path: Path) -> bool:
    """Whether a worksheet holds a formula or a 16+ digit whole number (streamed, no full inflate)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            tail = b""
            with archive.open(info) as fh:
                while chunk := fh.read(1024 * 1024):
                    if _OPENPYXL_ONLY.search(tail + chunk):
                        return True
                    tail = chunk[-64:]
    return False


def _calamine_rows(path: Path, mapping: Mapping | None) -> Iterator[Iterable[Any]]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several kinds for broken workbooks
        raise FileProblem(f"{path.name}: cannot open as XLSX ({type(exc).__name__}: {exc})") from exc
    try:
        try:
            sheet = (
                book.get_sheet_by_name(mapping.sheet)
                if mapping and mapping.sheet
                else book.get_sheet_by_index(0)
            )
        except python_calamine.WorksheetNotFound as exc:
            raise FileProblem(f"{path.name}: no sheet named {mapping.sheet if mapping else ''!r}") from exc
        yield from sheet.to_python(skip_empty_area=False)
    finally:
        book.close()


def _openpyxl_rows(path: Path, mapping: Mapping | None) -> Iterator[Iterable[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise FileProblem(f"{path.name}: cannot open as XLSX ({type(exc).__name__}: {exc})") from exc
    try:
        try:
            sheet = book[mapping.sheet] if mapping and mapping.sheet else book.worksheets[0]
        except KeyError as exc:
            raise FileProblem(f"{path.name}: no sheet named {mapping.sheet if mapping else ''!r}") from exc
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def read_xlsx(
    path: Path, mapping: Mapping | None, limits: Limits | None = None
) -> tuple[list[str], list[list[str | None]], list[int]]:
    """``(header, columns, row numbers)`` of the first (or the mapping's) sheet."""
    limits = limits or Limits.of()
    check_zip(path, limits.xlsx_bytes)
    check_sheet_rows(path, mapping.sheet if mapping and mapping.sheet else None, limits.sheet_rows)
    rows = _openpyxl_rows(path, mapping) if needs_openpyxl(path) else _calamine_rows(path, mapping)
    header_row = mapping.header_row if mapping else 1
    header: list[str] = []
    for i, values in enumerate(rows, start=1):
        if i == header_row:
            header = [cell_text(v) or "" for v in values]
            break
    while header and not header[-1].strip():
        header.pop()
    if not header:
        raise FileProblem(f"{path.name}: no header row (expected at sheet row {header_row})")
    check_width(path.name, len(header), limits)
    for i, name in enumerate(header, start=1):
        if not name.strip():
            raise FileProblem(
                f"{path.name}: header cell {_column_letter(i)}{header_row} is empty (merged header cells?)"
            )
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    numbers: list[int] = []
    for n, values in enumerate(rows, start=1):
        if n + header_row > limits.sheet_rows:
            raise FileProblem(  # the sheet XML's count was checked first: only a reader's own rows
                f"{path.name}: the sheet has more than {limits.sheet_rows} rows "
                "(setting PROCURA_INGEST_MAX_SHEET_ROWS)"
            )
        # Most cells are non-empty text: take them as they are, convert the rest.
        cells = [v if type(v) is str and v else cell_text(v) for v in list(values)[:width]]
        if not any(c is not None and c.strip() for c in cells):
            continue
        cells += [None] * (width - len(cells))
        for col, cell in zip(columns, cells, strict=True):
            col.append(cell)
        numbers.append(n)
    return header, columns, numbers


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
