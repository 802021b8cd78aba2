"""One batch: one source file loaded into one standard table, all or nothing.

The batch reads the file (``readers``), normalizes it (``transform``), then in
a single transaction quarantines bad rows, moves changed rows to
``_row_history`` and replaces them, inserts new rows and logs itself in
``_batches``. A file whose content (and mapping) equals the last committed
batch of the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from procura import clock
from procura.ingest.limits import Limits
from procura.ingest.mapping import Mapping
from procura.ingest.readers import RAW, RawSource, drop_scratch, read_source
from procura.ingest.transform import FileProblem, Staging, bind, staging_sql
from procura.standard.schema import Table
from procura.standard.text import sql_str
from procura.warehouse.keys import key_sql
from procura.warehouse.schema import q

STAGED = "__staged"


@dataclass
class FileResult:
    """The outcome of one file."""

    file: str
    table: str | None
    status: str  # loaded | unchanged | rejected | skipped
    batch_id: str | None = None
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    message: str = ""

    @property
    def balanced(self) -> bool:
        return self.read == self.stored + self.updated + self.unchanged + self.quarantined


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _last_batch(con: duckdb.DuckDBPyConnection, table: str, name: str) -> tuple | None:
    return con.execute(
        "SELECT batch_id, content_hash, mapping_hash, status, read, stored, updated, unchanged, quarantined, "
        "flagged, message FROM _batches WHERE table_name = ? AND source_file = ? "
        "ORDER BY finished_at DESC, batch_id DESC LIMIT 1",
        [table, name],
    ).fetchone()


def _new_batch_id(con: duckdb.DuckDBPyConnection, table: str, digest: str) -> str:
    n = con.execute("SELECT count(*) FROM _batches WHERE table_name = ?", [table]).fetchone()[0]  # type: ignore[index]
    return f"{table}-{n + 1:05d}-{digest[:8]}"


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: Table,
    mapping: Mapping | None,
    workdir: Path,
    phase: Callable[[str], None] = lambda _: None,
    limits: Limits | None = None,
) -> FileResult:
    """Load one file as one batch; never leaves a partial write. ``phase`` hears each step's name."""
    name = path.name
    digest = content_hash(path)
    mhash = mapping.digest if mapping else ""
    last = _last_batch(con, table.name, name)
    if last and last[1] == digest and last[2] == mhash:
        if last[3] == "rejected":
            return FileResult(name, table.name, "rejected", last[0], message=last[10])
        return FileResult(
            name,
            table.name,
            "unchanged",
            last[0],
            read=last[4],
            unchanged=last[5] + last[6] + last[7],
            quarantined=last[8],
            flagged=json.loads(last[9] or "{}"),
            message="same content as batch " + last[0],
        )
    started = clock.utcnow().replace(tzinfo=None)
    limits = limits or Limits.of()
    try:
        phase("读取 reading")
        raw = read_source(con, path, mapping, workdir, limits)
        binding = bind(table, raw.columns, mapping, name)
        phase("校验 normalizing")
        staging = staging_sql(table, binding, RAW, mapping, limits)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED} AS {staging.sql}")
    except FileProblem as exc:
        return _reject(con, path, table, mapping, digest, str(exc), started)
    batch_id = _new_batch_id(con, table.name, digest)
    phase("写入 writing")
    con.execute("BEGIN TRANSACTION")
    try:
        result = _write(con, name, table, raw, staging, batch_id)
        result.read = raw.rows + len(raw.rejected)
        result.message = "" if result.read else "no data rows (header only)"
        con.execute(
            "INSERT INTO _batches VALUES (?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                table.name,
                name,
                str(path.resolve()),
                digest,
                mapping.name if mapping else None,
                mhash,
                raw.encoding,
                result.read,
                result.stored,
                result.updated,
                result.unchanged,
                result.quarantined,
                json.dumps(result.flagged),
                None,
                started,
                clock.utcnow().replace(tzinfo=None),
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute(f"DROP TABLE IF EXISTS {STAGED}")
        drop_scratch(con)
    return result


def _reject(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: Table,
    mapping: Mapping | None,
    digest: str,
    message: str,
    started: dt.datetime,
) -> FileResult:
    batch_id = _new_batch_id(con, table.name, digest)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO _batches VALUES (?, ?, ?, ?, ?, ?, ?, 'rejected', NULL, 0, 0, 0, 0, 0, '{}', "
            "?, ?, ?)",
            [
                batch_id,
                table.name,
                path.name,
                str(path.resolve()),
                digest,
                mapping.name if mapping else None,
                mapping.digest if mapping else "",
                message,
                started,
                clock.utcnow().replace(tzinfo=None),
            ],
        )
        con.execute(
            "INSERT INTO _quarantine VALUES (?, ?, ?, ?, NULL, NULL, ?, NULL, NULL, ?)",
            [f"{batch_id}/0", batch_id, table.name, path.name, message, clock.utcnow().replace(tzinfo=None)],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return FileResult(path.name, table.name, "rejected", batch_id, message=message)


def _write(
    con: duckdb.DuckDBPyConnection, name: str, table: Table, raw: RawSource, staging: Staging, batch_id: str
) -> FileResult:
    now = clock.utcnow().replace(tzinfo=None)
    pk = ", ".join(q(k) for k in table.primary_key)
    raw_json = "json_object(" + ", ".join(f"{sql_str(c)}, r.{q(c)}" for c in raw.columns) + ")"
    # Bad rows: one quarantine entry per problem field.
    problems = ", ".join(
        f"{{'field': {sql_str(field)}, 'reason': s.__e{i}, 'value': {shown}}}"
        for i, (field, shown) in enumerate(staging.checks)
    )
    con.execute(
        f"INSERT INTO _quarantine SELECT ? || '/' || _row, ?, ?, ?, _row, e.field, e.reason, e.value, raw, ? "
        f"FROM (SELECT s._row, unnest([{problems}]) AS e, {raw_json} AS raw "
        f"FROM {STAGED} s JOIN {RAW} r USING (_row) WHERE s._bad) WHERE e.reason IS NOT NULL",
        [batch_id, batch_id, table.name, name, now],
    )
    if raw.rejected:
        con.executemany(
            "INSERT INTO _quarantine VALUES (?, ?, ?, ?, ?, NULL, ?, ?, json_object('line', ?), ?)",
            [
                [f"{batch_id}/{r.row}", batch_id, table.name, name, r.row, r.reason, r.raw[:200], r.raw, now]
                for r in raw.rejected
            ],
        )
    _keep_first_of_each_key(con, table, pk, raw_json, batch_id, name, now)
    target = q(table.name)
    on = " AND ".join(f"t.{q(k)} = g.{q(k)}" for k in table.primary_key)
    empty = con.execute(f"SELECT count(*) = 0 FROM {target}").fetchone()[0]  # type: ignore[index]
    changed, same = 0, 0
    if not empty:
        changed, same = con.execute(
            "SELECT count(*) FILTER (WHERE t._row_hash <> g._row_hash), "
            "count(*) FILTER (WHERE t._row_hash = g._row_hash) "
            f"FROM __good g JOIN {target} t ON {on}"
        ).fetchone()  # type: ignore[misc]
    if changed:
        con.execute(
            f"INSERT INTO _row_history SELECT ?, {key_sql(table.primary_key, 't')}, ?, ?, to_json(t) "
            f"FROM {target} t JOIN __good g ON {on} WHERE t._row_hash <> g._row_hash",
            [table.name, batch_id, now],
        )
        con.execute(f"DELETE FROM {target} t USING __good g WHERE {on} AND t._row_hash <> g._row_hash")
    constants = {"_source_row": "g._row", "_batch_id": sql_str(batch_id), "_source_file": sql_str(name)}
    columns = [c for c, _ in table.columns()]
    values = [constants.get(c, f"g.{q(c)}") for c in columns]
    new_only = "" if empty else f" WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {on})"
    inserted = con.execute(
        f"INSERT INTO {target} ({', '.join(q(c) for c in columns)}) SELECT {', '.join(values)} "
        f"FROM __good g{new_only}"
    ).fetchone()[0]  # type: ignore[index]
    flags = [f for f in table.fields if f.flagged]
    counts = con.execute(
        "SELECT count(*)"
        + "".join(f", count(*) FILTER (WHERE NOT {q(f.name + '_valid')})" for f in flags)
        + f", (SELECT count(*) FROM {STAGED}) FROM __good"
    ).fetchone()
    assert counts is not None
    flagged = {f.name: int(n) for f, n in zip(flags, counts[1:-1], strict=True) if n}
    con.execute("DROP VIEW IF EXISTS __good; DROP TABLE IF EXISTS __good_t")
    return FileResult(
        name,
        table.name,
        "loaded",
        batch_id,
        stored=int(inserted) - int(changed),
        updated=int(changed),
        unchanged=int(same),
        quarantined=int(counts[-1]) - int(counts[0]) + len(raw.rejected),
        flagged=flagged,
    )


def _keep_first_of_each_key(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    pk: str,
    raw_json: str,
    batch_id: str,
    name: str,
    now: dt.datetime,
) -> None:
    """Make ``__good`` the good rows, each key once; quarantine later occurrences of a key."""
    dupes = con.execute(f"SELECT count(*) - count(DISTINCT ({pk})) FROM {STAGED} WHERE NOT _bad").fetchone()[
        0
    ]  # type: ignore[index]
    if not dupes:
        con.execute(f"CREATE OR REPLACE TEMP VIEW __good AS SELECT * FROM {STAGED} WHERE NOT _bad")
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __good_t AS SELECT *, min(_row) OVER (PARTITION BY {pk}) AS _first "
        f"FROM {STAGED} WHERE NOT _bad"
    )
    con.execute(
        f"INSERT INTO _quarantine SELECT ? || '/' || f._row, ?, ?, ?, f._row, ?, "
        f"'duplicate primary key (first at row ' || f._first || ')', NULL, {raw_json}, ? "
        f"FROM __good_t f JOIN {RAW} r USING (_row) WHERE f._row <> f._first",
        [batch_id, batch_id, table.name, name, ",".join(table.primary_key), now],
    )
    con.execute("CREATE OR REPLACE TEMP VIEW __good AS SELECT * FROM __good_t WHERE _row = _first")
