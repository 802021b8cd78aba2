"""The ingest service: what ``procura ingest``, ``status`` and ``quarantine`` call.

``ingest`` loads a file or a dataset folder (one batch per file) and returns a
summary in which, for every file and in total,
``read = stored + updated + unchanged + quarantined``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from procura.config import Settings
from procura.errors import InvalidInput
from procura.ingest.batch import FileResult, load_file
from procura.ingest.limits import Limits
from procura.ingest.mapping import Mapping, load_mapping
from procura.ingest.readers import file_format
from procura.standard.schema import standard
from procura.warehouse.connection import connect

Progress = Callable[[str, int, int], None]  # (file name, files done, files in all)


class IngestError(InvalidInput):
    """The request itself cannot be carried out (missing path, bad mapping)."""


@dataclass
class IngestSummary:
    """Per-file results and totals of one ``ingest`` call."""

    files: list[FileResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    @property
    def totals(self) -> dict[str, int]:
        return {k: self.total(k) for k in ("read", "stored", "updated", "unchanged", "quarantined")}

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def balanced(self) -> bool:
        return all(f.balanced for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"totals": self.totals, "files": [asdict(f) for f in self.files]}


OUTSIDE = "symbolic link pointing outside the dataset folder (refused, not read)"


def _outside(link: Path, root: Path) -> bool:
    return not link.resolve().is_relative_to(root)


def _files(path: Path) -> tuple[list[Path], list[Path]]:
    """The files of ``path`` (a file, or a folder read recursively without hidden entries), and the
    symbolic links inside the folder that point outside it (ADR 0565)."""
    if path.is_file():
        return [path], []
    root = path.resolve()
    files: list[Path] = []
    refused: list[Path] = []
    for folder, dirs, names in os.walk(path):
        here = Path(folder)
        for d in list(dirs):
            if d.startswith(".") or ((here / d).is_symlink() and _outside(here / d, root)):
                if not d.startswith("."):
                    refused.append(here / d)
                dirs.remove(d)
        for n in names:
            p = here / n
            if n.startswith("."):
                continue
            if p.is_symlink() and _outside(p, root):
                refused.append(p)
            elif p.is_file():
                files.append(p)
    return sorted(files), sorted(refused)


def plan(path: Path, mapping: Mapping | None) -> list[tuple[Path, str | None, str]]:
    """Each file with the table it loads into (None: skipped or refused) and why."""
    tables = standard()
    files, refused = _files(path)
    out: list[tuple[Path, str | None, str]] = [(p, None, OUTSIDE) for p in refused]
    for p in files:
        if file_format(p) is None:
            out.append((p, None, f"not a supported file type ({p.suffix or 'no extension'})"))
        elif mapping and (path.is_file() or mapping.applies_to(p.name)):
            out.append((p, mapping.table, ""))
        elif p.stem in tables:
            out.append((p, p.stem, ""))
        else:
            out.append((p, None, "file name is not a table of the standard"))
    return out


def _phases(progress: Progress | None, name: str, done: int, total: int) -> Callable[[str], None]:
    """A callback that reports a file's steps (reading, normalizing, writing) to ``progress``."""

    def phase(what: str) -> None:
        if progress:
            progress(f"{name} · {what}", done, total)

    return phase


def ingest(
    settings: Settings, path: Path, mapping: Path | Mapping | None = None, progress: Progress | None = None
) -> IngestSummary:
    """Load ``path`` (a file or a dataset folder) into the warehouse."""
    if not path.exists():
        raise IngestError(f"{path}: no such file or folder")
    if isinstance(mapping, Path):
        mapping = load_mapping(mapping)
    work = plan(path, mapping)
    summary = IngestSummary()
    tables = standard()
    con = connect(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="procura-ingest-") as tmp:
            for done, (file, table, why) in enumerate(work):
                if progress:
                    progress(file.name, done, len(work))
                if table is None and why == OUTSIDE:
                    shown = file.relative_to(path) if file.is_relative_to(path) else file
                    summary.files.append(FileResult(file.name, None, "rejected", message=f"{shown}: {why}"))
                    continue
                if table is None:
                    summary.files.append(FileResult(file.name, None, "skipped", message=why))
                    continue
                use = (
                    mapping
                    if mapping
                    and mapping.table == table
                    and (path.is_file() or mapping.applies_to(file.name))
                    else None
                )
                summary.files.append(
                    load_file(
                        con,
                        file,
                        tables[table],
                        use,
                        Path(tmp),
                        _phases(progress, file.name, done, len(work)),
                        Limits.of(settings),
                    )
                )
            if progress:
                progress("", len(work), len(work))
    finally:
        con.close()
    return summary
