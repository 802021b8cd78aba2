"""The lake's manifest: every table's columns, partitions and files with their SHA-256.

The manifest (``manifest.json`` at the lake's root) is the lake's commit: a
reader reads exactly the files it lists, after checking each one is there and
hashes as listed, and a writer replaces it in one rename after its new files
are in place. A file the manifest does not list is not part of the lake.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from procura.errors import WarehouseError

MANIFEST = "manifest.json"
FORMAT = 1


class LakeError(WarehouseError):
    """The lake is missing, or does not match its manifest (a missing partition, a changed file)."""

    code = "lake_invalid"


@dataclass(frozen=True)
class LakeFile:
    """One Parquet file of a partition, as the manifest lists it."""

    path: str  # relative to the lake root, with "/" separators
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Partition:
    """One partition (region and batch, as the table has them) and its files."""

    keys: dict[str, str]
    rows: int
    digest: str  # the warehouse rows' digest when written: unchanged rows are not rewritten
    files: tuple[LakeFile, ...]

    @property
    def label(self) -> str:
        return "/".join(f"{k}={v}" for k, v in self.keys.items())


@dataclass(frozen=True)
class LakeTable:
    """One table of the lake: warehouse columns and types, partition keys, partitions."""

    name: str
    columns: dict[str, str]
    partition_by: tuple[str, ...]
    partitions: tuple[Partition, ...] = ()

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)

    def files(self, root: Path) -> list[Path]:
        return [root / f.path for p in self.partitions for f in p.files]


@dataclass(frozen=True)
class Lake:
    """A lake folder and its manifest (verified when opened with ``open_lake``)."""

    root: Path
    tables: dict[str, LakeTable]
    written_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> LakeTable:
        if name not in self.tables:
            raise LakeError(f"the lake at {self.root} has no table {name}")
        return self.tables[name]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(root: Path) -> Lake:
    """The lake's manifest as read, not yet checked against the files."""
    path = root / MANIFEST
    if not path.is_file():
        raise LakeError(f"no lake at {root} (no {MANIFEST}): run `procura lake export` first")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise LakeError(f"{path}: manifest format {data.get('format')!r}, expected {FORMAT}")
        tables = {
            name: LakeTable(
                name,
                {c: t for c, t in raw["columns"]},
                tuple(raw["partition_by"]),
                tuple(
                    Partition(
                        dict(p["keys"]),
                        int(p["rows"]),
                        str(p["digest"]),
                        tuple(LakeFile(**f) for f in p["files"]),
                    )
                    for p in raw["partitions"]
                ),
            )
            for name, raw in data["tables"].items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise LakeError(f"{path}: not a lake manifest ({type(exc).__name__}: {exc})") from None
    for table in tables.values():
        for entry in (f for p in table.partitions for f in p.files):
            parts = PurePosixPath(entry.path).parts
            if entry.path.startswith("/") or ".." in parts or not parts or parts[0] != table.name:
                raise LakeError(
                    f"{path}: file {entry.path!r} of {table.name} lies outside the table's folder"
                )
    return Lake(root, tables, str(data.get("written_at", "")), dict(data.get("extra", {})))


def manifest_json(lake: Lake) -> str:
    tables = {
        name: {
            "columns": [[c, t] for c, t in table.columns.items()],
            "partition_by": list(table.partition_by),
            "partitions": [
                {
                    "keys": p.keys,
                    "rows": p.rows,
                    "digest": p.digest,
                    "files": [vars(f) for f in p.files],
                }
                for p in table.partitions
            ],
        }
        for name, table in sorted(lake.tables.items())
    }
    body = {"format": FORMAT, "written_at": lake.written_at, "extra": lake.extra, "tables": tables}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def write_manifest(lake: Lake) -> None:
    """Replace the manifest in one rename (the lake's commit point)."""
    path = lake.root / MANIFEST
    tmp = path.with_name(f".{MANIFEST}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(manifest_json(lake))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class Verified:
    """What a verification read: counts for the report."""

    lake: Lake
    tables: int
    partitions: int
    files: int
    rows: int
    bytes: int


def verify(root: Path, *, hashes: bool = True) -> Verified:
    """Check every file the manifest lists is there, of its size and SHA-256; raise ``LakeError``.

    The first problem stops the check and is named: the partition whose file
    is missing, or the file whose content differs from the manifest.
    """
    lake = read_manifest(root)
    files = partitions = rows = size = 0
    for table in lake.tables.values():
        for partition in table.partitions:
            partitions += 1
            rows += partition.rows
            for entry in partition.files:
                path = root / entry.path
                if not path.is_file():
                    raise LakeError(
                        f"lake {root}: partition {table.name}/{partition.label} is missing "
                        f"(file {entry.path} listed in the manifest is not there)"
                    )
                actual = path.stat().st_size
                if actual != entry.bytes:
                    raise LakeError(
                        f"lake {root}: {entry.path} does not match the manifest "
                        f"({actual} bytes, {entry.bytes} expected)"
                    )
                if hashes:
                    digest = sha256_file(path)
                    if digest != entry.sha256:
                        raise LakeError(
                            f"lake {root}: {entry.path} does not match the manifest "
                            f"(SHA-256 {digest[:12]}…, {entry.sha256[:12]}… expected)"
                        )
                files += 1
                size += entry.bytes
    return Verified(lake, len(lake.tables), partitions, files, rows, size)


def open_lake(root: Path) -> Lake:
    """The lake at ``root``, verified against its manifest (``LakeError`` otherwise)."""
    return verify(root).lake
