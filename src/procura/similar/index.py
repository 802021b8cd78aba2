"""The persisted similar-case index: documents, their tokens and a segmented BM25, in the workspace.

``<workspace>/similar/`` holds ``documents-NNNN.parquet`` (the records of one
segment with their tokens), ``bm25/`` (the vocabulary and one postings file per
segment, ``similar.bm25``) and ``manifest.json`` (the batches already indexed).
:func:`refresh` is incremental by batch: only rows written by batches not yet in
the manifest are read and tokenised and become a new segment; records they
re-write are tombstoned in their old segment (a small deletion set; the segment
and its documents file stay as written, hard-linked into the new folder) until
that segment passes 20 % tombstones or the segments are compacted. The scores
equal a full rebuild's (ADR 0704).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from procura.config import Settings
from procura.similar.bm25 import SegmentedBM25
from procura.similar.corpus import batches, read_documents
from procura.warehouse.connection import connect

DIRNAME = "similar"
_CACHE: dict[Path, tuple[float, SimilarIndex]] = {}
_LOCK = threading.Lock()


def _codes(values: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, {str(v): i for i, v in enumerate(uniques)}


def _prefix(regions: pd.Series, width: int) -> np.ndarray:
    text = regions.fillna("").astype(str).str[:width]
    return pd.to_numeric(text, errors="coerce").fillna(-1).to_numpy(dtype=np.int64)


@dataclass
class SimilarIndex:
    """Documents in memory with the arrays that structured similarity compares, and the BM25 index."""

    documents: pd.DataFrame
    bm25: SegmentedBM25
    kind: np.ndarray = field(init=False)
    body: np.ndarray = field(init=False)
    kind_codes: dict[str, int] = field(init=False)
    body_codes: dict[str, int] = field(init=False)
    county: np.ndarray = field(init=False)
    city: np.ndarray = field(init=False)
    province: np.ndarray = field(init=False)
    day: np.ndarray = field(init=False)
    amount: np.ndarray = field(init=False)
    positions: pd.Index = field(init=False)
    _groups: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        docs = self.documents
        # Codes are shared between kind values of different tables on purpose: "online_defamation" is
        # the same offense in a police report and a criminal case.
        self.kind, self.kind_codes = _codes(docs["kind"])
        self.body, self.body_codes = _codes(docs["body"])
        self.county = _prefix(docs["region_code"], 6)
        self.city = _prefix(docs["region_code"], 4)
        self.province = _prefix(docs["region_code"], 2)
        dates = pd.to_datetime(docs["date"], errors="coerce")
        self.day = np.where(dates.isna(), np.nan, dates.to_numpy(dtype="datetime64[D]").astype(np.float64))
        self.amount = pd.to_numeric(docs["amount"], errors="coerce").to_numpy(dtype=np.float64)
        self.positions = pd.Index(docs["table_name"].astype(str) + ":" + docs["record_key"].astype(str))

    def group(self, name: str, value: int) -> np.ndarray:
        """Positions of the documents whose ``name`` array (``body``, ``county``) equals ``value``."""
        if name not in self._groups:
            values = getattr(self, name)
            order = np.argsort(values, kind="stable")
            keys, starts = np.unique(values[order], return_index=True)
            self._groups[name] = (order, keys, np.append(starts, len(order)))
        order, keys, bounds = self._groups[name]
        i = int(np.searchsorted(keys, value))
        if value < 0 or i >= len(keys) or keys[i] != value:
            return np.zeros(0, dtype=np.int64)
        return order[bounds[i] : bounds[i + 1]]

    def __len__(self) -> int:
        return len(self.documents)

    def position(self, table: str, key: str) -> int | None:
        """The row of record ``table:key``, or None when it is not indexed."""
        try:
            pos = self.positions.get_loc(f"{table}:{key}")
        except KeyError:
            return None
        return int(pos) if isinstance(pos, int | np.integer) else None

    def text_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for ``tokens`` (zeros when no token is in the vocabulary)."""
        return self.bm25.scores(tokens)


def build(documents: pd.DataFrame, batch: int | None = None) -> SimilarIndex:
    """An index over ``documents`` (with a ``tokens`` column) in one segment, or in segments of
    ``batch`` documents (as successive refreshes would make them); documents without tokens still
    match by structure."""
    documents = documents.reset_index(drop=True)
    bm25 = SegmentedBM25()
    tokens = documents["tokens"].tolist()
    step = batch or max(len(tokens), 1)
    for start in range(0, len(tokens), step):
        bm25.add(tokens[start : start + step])
    return SimilarIndex(documents, bm25)


def index_dir(settings: Settings) -> Path:
    return settings.home / DIRNAME


Part: TypeAlias = "pd.DataFrame | Path"  # a segment's documents, or the file of an unchanged segment


def save(index: SimilarIndex, folder: Path, indexed_batches: list[str]) -> None:
    """Write the index to ``folder`` (replaced as a whole, so a reader never sees half of it)."""
    bm25 = index.bm25
    bm25.segments = [s.purged() for s in bm25.segments]  # ``documents`` holds the live rows only
    parts: list[Part] = []
    offset = 0
    for seg in bm25.segments:
        parts.append(index.documents.iloc[offset : offset + len(seg)])
        offset += len(seg)
    index.bm25.clean = set()
    _save(parts or [index.documents], index.bm25, folder, indexed_batches)


def _save(parts: list[Part], bm25: SegmentedBM25, folder: Path, indexed_batches: list[str]) -> None:
    """Write one documents file per segment (hard links for unchanged ones) and the BM25 segments."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for i, part in enumerate(parts):
        name = tmp / f"documents-{i:04d}.parquet"
        if isinstance(part, Path):
            os.link(part, name)
        else:
            part.to_parquet(name, index=False)
    documents = bm25.n_docs
    bm25.save(tmp / "bm25", folder / "bm25" if folder.exists() else None)
    manifest = {"batches": indexed_batches, "documents": documents, "segments": len(bm25.segments)}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _documents(folder: Path, bm25: SegmentedBM25) -> pd.DataFrame:
    """The live documents: each segment's file without its tombstoned rows."""
    parts = []
    for path, seg in zip(sorted(folder.glob("documents-*.parquet")), bm25.segments, strict=True):
        part = pd.read_parquet(path)
        parts.append(part[~seg.dead].reset_index(drop=True) if seg.dead is not None else part)
    documents = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    documents["tokens"] = documents["tokens"].map(lambda t: [] if t is None else list(t))
    return documents


def load(folder: Path) -> SimilarIndex:
    """Read an index written by :func:`save`."""
    if not (folder / "bm25" / "vocab.json").exists():
        raise FileNotFoundError(folder / "bm25")  # an index of an older layout: rebuilt by ``refresh``
    bm25 = SegmentedBM25.load(folder / "bm25")
    return SimilarIndex(_documents(folder, bm25), bm25)


def manifest(settings: Settings) -> dict[str, Any]:
    path = index_dir(settings) / "manifest.json"
    if not path.exists():
        return {"batches": [], "documents": 0}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def refresh(settings: Settings, rebuild: bool = False) -> dict[str, int]:
    """Bring the workspace index up to date with the warehouse; returns what was done."""
    folder = index_dir(settings)
    usable = folder.exists() and (folder / "bm25" / "vocab.json").exists()
    done = [] if rebuild or not usable else list(manifest(settings)["batches"])
    con = connect(settings, read_only=True)
    try:
        present = batches(con)
        new = [b for b in present if b not in set(done)]
        if not new and usable:
            return {"new_batches": 0, "tokenized": 0, "documents": int(manifest(settings)["documents"])}
        fresh = read_documents(con, new)
    finally:
        con.close()
    if not done:
        save(build(fresh), folder, sorted(new))
        return {"new_batches": len(new), "tokenized": len(fresh), "documents": len(fresh)}
    documents = append(folder, fresh, sorted(set(done) | set(new)))
    return {"new_batches": len(new), "tokenized": len(fresh), "documents": documents}


def append(folder: Path, fresh: pd.DataFrame, indexed_batches: list[str]) -> int:
    """Add the tokenised documents ``fresh`` to the index in ``folder`` as one new segment (records
    they re-write are tombstoned in their old segment); returns the number of live documents."""
    bm25 = SegmentedBM25.load(folder / "bm25")
    files = sorted(folder.glob("documents-*.parquet"))
    keys = set(fresh["table_name"] + ":" + fresh["record_key"])
    hits = []
    for path in files:  # only the key columns: a documents file is read whole only when rewritten
        ids = pd.read_parquet(path, columns=["table_name", "record_key"])
        hits.append((ids["table_name"] + ":" + ids["record_key"]).isin(keys).to_numpy())
    # Stored rows tombstoned once this batch is in: the earlier tombstones and the re-written records.
    masks = [h if s.dead is None else (h | s.dead) for h, s in zip(hits, bm25.segments, strict=True)]
    rewritten = bm25.tombstone(np.concatenate(hits) if hits else np.zeros(0, dtype=bool))
    parts: list[Part] = [  # a segment rewritten without its tombstones: its documents file too
        pd.read_parquet(path)[~masks[i]] if i in rewritten else path for i, path in enumerate(files)
    ]
    if bm25.add(fresh["tokens"].tolist()):  # compacted into one segment: one documents file
        frames = [
            p if isinstance(p, pd.DataFrame) else pd.read_parquet(p)[~m]
            for p, m in zip(parts, masks, strict=True)
        ]
        parts = [pd.concat([*frames, fresh], ignore_index=True)]
    else:
        parts.append(fresh)
    _save(parts, bm25, folder, indexed_batches)
    return bm25.n_docs


def current(settings: Settings) -> SimilarIndex:
    """The workspace index, refreshed when the warehouse changed since the last call, cached in memory."""
    folder = index_dir(settings)
    path = settings.warehouse_path
    stamp = path.stat().st_mtime if path.exists() else 0.0
    with _LOCK:
        cached = _CACHE.get(folder)
        if cached is None or cached[0] != stamp:
            refresh(settings)
            cached = (stamp, load(folder))
            _CACHE[folder] = cached
        return cached[1]
