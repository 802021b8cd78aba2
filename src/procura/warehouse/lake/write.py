"""Writing the warehouse to the lake: changed partitions only, committed by the manifest.

Each table's rows are grouped by partition and digested in DuckDB (row count
and a sum of row hashes); a partition whose digest and columns equal the
manifest's is left alone, so a new batch adds its partitions and the rest is
not rewritten. Changed partitions are written with DuckDB
``COPY … (FORMAT parquet, PARTITION_BY …)`` into a staging folder inside the
lake, hashed, moved under new file names beside the old ones, and only then
does the new manifest replace the old one. Until that rename, readers see the
old lake; on any failure the new files are removed and the old lake is
untouched. Files the new manifest no longer lists are deleted by the next
export, so a run that opened the old manifest can finish.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from procura.warehouse import probes
from procura.warehouse.lake.layout import PARTITION_KEYS, SAFE_VALUE, Layout, layouts
from procura.warehouse.lake.manifest import (
    MANIFEST,
    Lake,
    LakeError,
    LakeFile,
    LakeTable,
    Partition,
    sha256_file,
    verify,
    write_manifest,
)

Key = tuple[str, ...]


@dataclass(frozen=True)
class ExportSummary:
    """What one export did, per table: partitions written, kept and dropped, rows written."""

    root: Path
    tables: dict[str, dict[str, int]]

    def totals(self) -> dict[str, int]:
        keys = ("partitions", "written", "kept", "dropped", "rows", "rows_written")
        return {k: sum(t[k] for t in self.tables.values()) for k in keys}


def _digests(con: duckdb.DuckDBPyConnection, layout: Layout, source: str) -> dict[Key, tuple[int, str]]:
    keys = layout.partition_by
    select = ", ".join([*keys, "count(*)", "sum(hash(s)::HUGEINT)::VARCHAR"])
    group = f" GROUP BY {', '.join(keys)}" if keys else ""
    rows = con.execute(f"SELECT {select} FROM ({source}) AS s{group}").fetchall()
    found: dict[Key, tuple[int, str]] = {}
    for row in rows:
        key, count, digest = tuple(str(v) for v in row[: len(keys)]), int(row[-2]), str(row[-1])
        if count == 0:  # an empty unpartitioned table: no file
            continue
        for value in key:
            if not SAFE_VALUE.fullmatch(value):
                raise LakeError(f"{layout.table}: partition value {value!r} cannot be a folder name")
        found[key] = (count, digest)
    return found


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _partition_keys(relative: Path, keys: tuple[str, ...]) -> Key:
    parts = dict(p.split("=", 1) for p in relative.parent.parts if "=" in p)
    return tuple(parts[k] for k in keys)


def _write(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    source: str,
    changed: list[Key],
    stage: Path,
) -> dict[Key, list[LakeFile]]:
    """Write the changed partitions to ``stage``; their files, hashed, keyed by partition."""
    keys = layout.partition_by
    target = stage / layout.table
    stage.mkdir(exist_ok=True)
    if keys:
        values = ", ".join("(" + ", ".join(f"'{v}'" for v in key) + ")" for key in changed)
        where = f" WHERE ({', '.join(keys)}) IN ({values})"  # values are SAFE_VALUE: no quotes
        con.execute(
            f"COPY (SELECT * FROM ({source}) AS s{where}) TO {_literal(target)} "
            f"(FORMAT parquet, PARTITION_BY ({', '.join(keys)}), FILENAME_PATTERN 'part-{{uuid}}')"
        )
    else:
        target.mkdir(parents=True)
        con.execute(
            f"COPY ({source}) TO {_literal(target / f'part-{uuid.uuid4()}.parquet')} (FORMAT parquet)"
        )
    written: dict[Key, list[LakeFile]] = {}
    for path in sorted(target.rglob("*.parquet")):
        relative = path.relative_to(stage)
        entry = LakeFile(
            relative.as_posix(), pq.read_metadata(path).num_rows, path.stat().st_size, sha256_file(path)
        )
        written.setdefault(_partition_keys(relative, keys), []).append(entry)
    return written


def _export_table(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    columns: dict[str, str],
    before: LakeTable | None,
    stage: Path,
    moved: list[Path],
) -> tuple[LakeTable, dict[str, int]]:
    """One table: digest its partitions, write the changed ones, move their files into the lake."""
    root = stage.parent
    clash = sorted(set(columns) & set(PARTITION_KEYS))
    if clash:
        raise LakeError(f"{layout.table}: column {clash[0]!r} clashes with a partition key")
    source = layout.source_sql(columns)
    digests = _digests(con, layout, source)
    old = before.partitions if before is not None and before.columns == columns else ()
    kept = {tuple(p.keys[k] for k in layout.partition_by): p for p in old}
    old_keys = {
        tuple(p.keys.get(k, "") for k in layout.partition_by) for p in (before.partitions if before else ())
    }
    kept = {k: p for k, p in kept.items() if digests.get(k) == (p.rows, p.digest)}
    changed = sorted(k for k in digests if k not in kept)
    staged = _write(con, layout, source, changed, stage) if changed else {}
    partitions: list[Partition] = []
    for key in sorted(digests):
        if key in kept:
            partitions.append(kept[key])
            continue
        placed: list[LakeFile] = []
        for entry in staged.get(key, []):
            final = root / Path(entry.path).with_name(f"part-{uuid.uuid4()}.parquet")
            final.parent.mkdir(parents=True, exist_ok=True)
            (stage / entry.path).rename(final)
            moved.append(final)
            placed.append(LakeFile(final.relative_to(root).as_posix(), entry.rows, entry.bytes, entry.sha256))
        rows, digest = digests[key]
        if sum(f.rows for f in placed) != rows:
            raise LakeError(f"{layout.table}/{key}: {rows} rows in the warehouse, another count written")
        partitions.append(
            Partition(dict(zip(layout.partition_by, key, strict=True)), rows, digest, tuple(placed))
        )
    counts = {
        "partitions": len(partitions),
        "written": len(changed),
        "kept": len(kept),
        "dropped": len(old_keys - set(digests)),  # partitions whose rows are all gone
        "rows": sum(p.rows for p in partitions),
        "rows_written": sum(digests[k][0] for k in changed),
    }
    return LakeTable(layout.table, columns, layout.partition_by, tuple(partitions)), counts


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer at a time: an exclusive ``flock`` on the lake folder, released if the process dies."""
    fd = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LakeError(f"lake {root}: another export is writing it") from None
        yield
    finally:
        os.close(fd)


def export(con: duckdb.DuckDBPyConnection, root: Path) -> ExportSummary:
    """Write the warehouse behind ``con`` to the lake at ``root``; only changed partitions.

    An existing lake must verify first: a lake that does not match its
    manifest is reported (``LakeError``) and nothing is written. Nothing is
    half-written either: until the manifest is replaced, the old lake stands.
    """
    created = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        old = verify(root).lake if (root / MANIFEST).exists() else None
        present = probes.tables(con)
        stage = root / f".staging-{uuid.uuid4().hex[:12]}"
        moved: list[Path] = []
        tables: dict[str, LakeTable] = {}
        summary: dict[str, dict[str, int]] = {}
        try:
            for name, layout in layouts().items():
                if name in present:
                    if layout.parent is not None and layout.parent not in present:
                        layout = replace(layout, region="NULL", parent=None)  # no case to place it: 00
                    before = old.tables.get(name) if old is not None else None
                    columns = probes.columns(con, name)
                    tables[name], summary[name] = _export_table(con, layout, columns, before, stage, moved)
            written_at = datetime.now(UTC).isoformat(timespec="seconds")
            write_manifest(Lake(root, tables, written_at, {"source": "warehouse"}))
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            for path in moved:
                path.unlink(missing_ok=True)
            _prune(root)
            if created and root.exists() and not any(root.iterdir()):
                root.rmdir()
            raise
        _sweep(root, tables, old)
    return ExportSummary(root, summary)


def _sweep(root: Path, tables: dict[str, LakeTable], old: Lake | None) -> None:
    """After the commit: delete files neither this manifest nor the one it replaced lists.

    Files of the replaced manifest are kept one export longer, so a run that
    opened the lake before this export can still read them; files of the
    manifest before that, and files left by an export killed before its
    commit, go now.
    """
    lakes = [*tables.values(), *(old.tables.values() if old is not None else ())]
    listed = {f.path for t in lakes for p in t.partitions for f in p.files}
    for name in {t.name for t in lakes} | set(layouts()):
        for path in (root / name).rglob("*.parquet") if (root / name).is_dir() else ():
            if path.relative_to(root).as_posix() not in listed:
                path.unlink()
    for stage in root.glob(".staging-*"):
        shutil.rmtree(stage, ignore_errors=True)
    _prune(root)


def _prune(root: Path) -> None:
    """Remove empty partition folders (deepest first)."""
    if not root.exists():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
