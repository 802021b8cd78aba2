"""Readers: any supported file into one all-text DuckDB table with row numbers.

Every reader creates the temporary table ``__raw`` with ``_row`` (the 1-based
data row of the file, header excluded) and one VARCHAR column per source
column, in file order, and returns the rows it could not read at all
(``Rejected``: a truncated CSV row, a line that is not JSON) so that they are
quarantined rather than lost. Problems with the file as a whole raise
``FileProblem``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from procura.ingest import encoding
from procura.ingest.limits import Limits
from procura.ingest.mapping import Mapping
from procura.ingest.transform import FileProblem, check_header, check_width
from procura.ingest.xlsx import read_xlsx
from procura.warehouse.schema import q

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
MAX_LINE_BYTES = 64 * 1024 * 1024
NOT_UTF8 = "row is not valid UTF-8 (wrong encoding?)"
RAW = "__raw"
_MAGIC = {b"PK\x03\x04": "xlsx", b"PAR1": "parquet"}


@dataclass
class Rejected:
    row: int
    reason: str
    raw: str


@dataclass
class RawSource:
    """What a reader produced."""

    columns: list[str]
    rows: int  # rows read into __raw
    rejected: list[Rejected] = field(default_factory=list)
    encoding: str | None = None


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def sniff_content(path: Path) -> str:
    """What the first bytes say the file is: ``xlsx``, ``parquet``, ``binary``, ``text`` or ``empty``."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        return "empty"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if controls > len(head) // 10 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what a reader left behind (the ``__raw`` view and the table under it)."""
    con.execute(f"DROP VIEW IF EXISTS {RAW}; DROP TABLE IF EXISTS __read")


def read_source(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping | None, workdir: Path, limits: Limits
) -> RawSource:
    """Read ``path`` into the view ``__raw``; FileProblem when the file as a whole is unusable."""
    drop_scratch(con)
    fmt = file_format(path)
    content = sniff_content(path)
    if content == "empty":
        raise FileProblem(f"{path.name}: file is empty")
    expected = {"xlsx": "xlsx", "parquet": "parquet"}.get(fmt or "", "text")
    if content != expected:
        said = {"text": "text", "binary": "binary data"}.get(content, content.upper())
        raise FileProblem(f"{path.name}: the extension says {fmt} but the content is {said}")
    if fmt == "xlsx":
        header, columns_data, rows = read_xlsx(path, mapping, limits)
        return _register(con, header, columns_data, rows)
    if fmt == "parquet":
        return _read_parquet(con, path, limits)
    try:
        enc = mapping.encoding if mapping and mapping.encoding else encoding.detect(path)
    except encoding.EncodingProblem as exc:
        raise FileProblem(str(exc)) from exc
    text_path = encoding.to_utf8(path, enc, workdir)
    if fmt == "jsonl":
        return _read_jsonl(con, text_path, path.name, enc, limits)
    header_row = mapping.header_row if mapping else 1
    return _read_csv(con, text_path, path.name, header_row, enc, workdir, limits)


def _header(path: Path, header_row: int) -> tuple[list[str], str]:
    """The header cells and the delimiter (the most frequent of , tab ; | in the header line)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = [fh.readline() for _ in range(header_row)]
    line = lines[-1].rstrip("\r\n") if lines else ""
    if not line:
        return [], ","
    delim = max(",\t;|", key=line.count) if any(d in line for d in ",\t;|") else ","
    return next(csv.reader([line], delimiter=delim)), delim


def _scan_csv(con: duckdb.DuckDBPyConnection, path: Path, delim: str, header_row: int) -> None:
    con.execute("DROP TABLE IF EXISTS __rejects; DROP TABLE IF EXISTS __reject_scans")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __read AS SELECT * FROM read_csv(?, all_varchar=true, header=true, "
        "delim=?, quote='\"', escape='\"', "
        f"skip={header_row - 1}, store_rejects=true, rejects_table='__rejects', "
        f"rejects_scan='__reject_scans', max_line_size={MAX_LINE_BYTES}, null_padding=false)",
        [str(path), delim],
    )


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    header_row: int,
    enc: str,
    workdir: Path,
    limits: Limits,
) -> RawSource:
    header, delim = _header(path, header_row)
    if not header:
        raise FileProblem(f"{name}: no header row (expected at line {header_row})")
    check_width(name, len(header), limits)
    check_header(header, name)
    try:
        _scan_csv(con, path, delim, header_row)
    except duckdb.Error as exc:
        # Exports often mix line endings (a title line with LF, rows with CRLF),
        # which DuckDB's reader refuses: retry once on a copy with uniform endings.
        uniform = workdir / (path.name + ".lf")
        with (
            path.open(encoding="utf-8", errors="surrogateescape", newline=None) as src,
            uniform.open("w", encoding="utf-8", errors="surrogateescape", newline="\n") as dst,
        ):
            for line in src:
                dst.write(line)
        try:
            _scan_csv(con, uniform, delim, header_row)
        except duckdb.Error:
            raise FileProblem(f"{name}: cannot read as CSV ({str(exc).splitlines()[0]})") from exc
    columns = [d[0] for d in con.execute("SELECT * FROM __read LIMIT 0").description]
    if len(columns) != len(header):
        raise FileProblem(f"{name}: header has {len(header)} columns but the rows have {len(columns)}")
    rejected = [
        Rejected(int(line) - header_row, _reject_reason(kind, msg), raw or "")
        for line, kind, msg, raw in con.execute(
            "SELECT line, error_type::VARCHAR, error_message, csv_line FROM __rejects ORDER BY line"
        ).fetchall()
    ]
    rejected = _name_encodings(path, _dedupe(rejected), header_row)
    renamed = ", ".join(f"{q(c)} AS {q(h)}" for c, h in zip(columns, header, strict=True))
    if rejected:
        _number_rows(con, "__read", [r.row for r in rejected])
        con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT _row, {renamed} FROM __read")
    else:
        # A view, not a copy: the renamed columns are aliases over the table DuckDB read.
        con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT rowid + 1 AS _row, {renamed} FROM __read")
    rows = con.execute("SELECT count(*) FROM __read").fetchone()[0]  # type: ignore[index]
    return RawSource(list(header), int(rows), rejected, enc)


def _number_rows(con: duckdb.DuckDBPyConnection, table: str, skipped: list[int]) -> None:
    """Give ``table`` a first column ``_row``: each row's number in the file, counting ``skipped`` rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE __bad(n BIGINT)")
    con.executemany("INSERT INTO __bad VALUES (?)", [[n] for n in skipped])
    total = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] + len(skipped)  # type: ignore[index]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __rownums AS SELECT row_number() OVER (ORDER BY n) - 1 AS k, n "
        f"FROM range(1, {total + 1}) t(n) WHERE n NOT IN (SELECT n FROM __bad)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __numbered AS SELECT r.n AS _row, d.* EXCLUDE (k) "
        f"FROM (SELECT rowid AS k, * FROM {table}) d JOIN __rownums r USING (k) ORDER BY r.n"
    )
    con.execute(f"DROP TABLE {table}; ALTER TABLE __numbered RENAME TO {table}")


def _dedupe(rejected: list[Rejected]) -> list[Rejected]:
    seen: dict[int, Rejected] = {}
    for r in rejected:
        seen.setdefault(r.row, r)
    return list(seen.values())


def _name_encodings(path: Path, rejected: list[Rejected], header_row: int) -> list[Rejected]:
    """Rows that are not UTF-8: say whether their bytes are GB18030 and show them decoded so."""
    lines = {r.row + header_row: r for r in rejected if r.reason == NOT_UTF8}
    if not lines:
        return rejected
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            if n in lines:
                try:
                    lines[n].raw = line.rstrip(b"\r\n").decode("gb18030")
                    lines[n].reason = NOT_UTF8.replace("wrong encoding?", "GB18030 bytes?")
                except UnicodeDecodeError:
                    pass
            if n >= max(lines):
                break
    return rejected


def _reject_reason(kind: str, message: str) -> str:
    reasons = {
        "MISSING COLUMNS": "row has too few columns (truncated row?)",
        "TOO MANY COLUMNS": "row has too many columns",
        "INVALID ENCODING": NOT_UTF8,
        "UNQUOTED VALUE": "badly quoted value",
        "LINE SIZE OVER MAXIMUM": "row longer than the maximum line size",
    }
    return reasons.get(kind, message.splitlines()[0] if message else kind.lower())


def _read_jsonl(con: duckdb.DuckDBPyConnection, path: Path, name: str, enc: str, limits: Limits) -> RawSource:
    try:
        con.execute("DROP TABLE IF EXISTS __rejects; DROP TABLE IF EXISTS __reject_scans")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE __text AS SELECT line "
            "FROM read_csv(?, columns={'line': 'VARCHAR'}, "
            "delim=chr(1), quote='', escape='', header=false, auto_detect=false, "
            "store_rejects=true, rejects_table='__rejects', rejects_scan='__reject_scans', "
            f"max_line_size={MAX_LINE_BYTES})",
            [str(path)],
        )
        undecodable = [
            Rejected(int(n), _reject_reason(kind, msg), raw or "")
            for n, kind, msg, raw in con.execute(
                "SELECT line, error_type::VARCHAR, error_message, csv_line FROM __rejects ORDER BY line"
            ).fetchall()
        ]
        undecodable = _name_encodings(path, _dedupe(undecodable), 0)
        if undecodable:
            _number_rows(con, "__text", [r.row for r in undecodable])
        row = "_row" if undecodable else "rowid + 1"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE __lines AS SELECT {row} AS _row, rtrim(line, chr(13)) AS line "
            "FROM __text"
        )
        con.execute("DROP TABLE __text")
    except duckdb.Error as exc:
        raise FileProblem(f"{name}: cannot read as JSON lines ({str(exc).splitlines()[0]})") from exc
    con.execute("DELETE FROM __lines WHERE line IS NULL OR trim(line) = ''")
    bad_sql = "NOT (CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END)"
    rejected = undecodable + [
        Rejected(int(n), "not a JSON object (truncated or broken line?)", line)
        for n, line in con.execute(f"SELECT _row, line FROM __lines WHERE {bad_sql} ORDER BY _row").fetchall()
    ]
    con.execute(f"DELETE FROM __lines WHERE {bad_sql}")
    keys = [
        k
        for (k,) in con.execute(
            "SELECT k FROM (SELECT _row, unnest(json_keys(line)) AS k, "
            "generate_subscripts(json_keys(line), 1) AS i "
            "FROM __lines) GROUP BY k ORDER BY min(_row), min(i)"
        ).fetchall()
    ]
    if not keys:
        raise FileProblem(f"{name}: no JSON objects with fields")
    check_width(name, len(keys), limits)
    # One parse of each line for all keys (a list of paths), not one parse per key.
    paths = ", ".join(_json_path(k) for k in keys)
    cols = ", ".join(f"__v[{i}] AS {q(k)}" for i, k in enumerate(keys, start=1))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __read AS SELECT _row, {cols} FROM "
        f"(SELECT _row, json_extract_string(line, [{paths}]) AS __v FROM __lines) ORDER BY _row"
    )
    con.execute(f"DROP TABLE __lines; CREATE TEMP VIEW {RAW} AS SELECT * FROM __read")
    rows = con.execute("SELECT count(*) FROM __read").fetchone()[0]  # type: ignore[index]
    return RawSource(keys, int(rows), rejected, enc)


def _json_path(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace('"', '\\"').replace("'", "''")
    return f"'$.\"{escaped}\"'"


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, limits: Limits) -> RawSource:
    try:
        width = len(con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [str(path)]).description)
        check_width(path.name, width, limits)
        con.execute("CREATE OR REPLACE TEMP TABLE __read AS SELECT * FROM read_parquet(?)", [str(path)])
    except duckdb.Error as exc:
        raise FileProblem(f"{path.name}: cannot read as Parquet ({str(exc).splitlines()[0]})") from exc
    columns = [d[0] for d in con.execute("SELECT * FROM __read LIMIT 0").description]
    casts = ", ".join(f"CAST({q(c)} AS VARCHAR) AS {q(c)}" for c in columns)
    con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT rowid + 1 AS _row, {casts} FROM __read")
    rows = con.execute("SELECT count(*) FROM __read").fetchone()[0]  # type: ignore[index]
    return RawSource(columns, int(rows))


def _register(
    con: duckdb.DuckDBPyConnection, header: list[str], data: list[list[str | None]], rows: list[int]
) -> RawSource:
    import pyarrow as pa

    arrays = [pa.array(rows, pa.int64())] + [pa.array(col, pa.string()) for col in data]
    names = ["_row", *[f"c{i}" for i in range(len(header))]]
    table = pa.Table.from_arrays(arrays, names=names)
    con.register("__arrow", table)
    cols = ", ".join(f"c{i} AS {q(h)}" for i, h in enumerate(header))
    con.execute(f"CREATE OR REPLACE TEMP TABLE __read AS SELECT _row, {cols} FROM __arrow ORDER BY _row")
    con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT * FROM __read")
    con.unregister("__arrow")
    return RawSource(header, len(rows))
