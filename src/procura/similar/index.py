"""The persisted similar-case index: documents, their tokens and a bm25s index, in the workspace.

``<workspace>/similar/`` holds ``documents.parquet`` (one row per record with its
tokens), ``bm25/`` (the bm25s matrices) and ``manifest.json`` (the batches
already indexed). :func:`refresh` is incremental by batch: only rows written by
batches not yet in the manifest are read and tokenised; the BM25 matrices are then
rebuilt from the stored tokens, which is cheap next to tokenising.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import pandas as pd

from procura.config import Settings
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
    bm25: bm25s.BM25
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
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known or len(self) == 0:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)


def build(documents: pd.DataFrame) -> SimilarIndex:
    """An index over ``documents`` (with a ``tokens`` column); documents without tokens still match
    by structure."""
    documents = documents.reset_index(drop=True)
    retriever = bm25s.BM25()
    corpus = [list(t) if len(t) else ["\u0000"] for t in documents["tokens"]]
    if corpus:
        retriever.index(corpus, show_progress=False)
    return SimilarIndex(documents, retriever)


def index_dir(settings: Settings) -> Path:
    return settings.home / DIRNAME


def save(index: SimilarIndex, folder: Path, indexed_batches: list[str]) -> None:
    """Write the index to ``folder`` (replaced as a whole, so a reader never sees half of it)."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    index.documents.to_parquet(tmp / "documents.parquet", index=False)
    if len(index):
        index.bm25.save(str(tmp / "bm25"))
    manifest = {"batches": indexed_batches, "documents": len(index)}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def load(folder: Path) -> SimilarIndex:
    """Read an index written by :func:`save`."""
    documents = pd.read_parquet(folder / "documents.parquet")
    documents["tokens"] = documents["tokens"].map(lambda t: [] if t is None else list(t))
    retriever = bm25s.BM25.load(str(folder / "bm25")) if (folder / "bm25").exists() else bm25s.BM25()
    return SimilarIndex(documents, retriever)


def manifest(settings: Settings) -> dict[str, Any]:
    path = index_dir(settings) / "manifest.json"
    if not path.exists():
        return {"batches": [], "documents": 0}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def refresh(settings: Settings, rebuild: bool = False) -> dict[str, int]:
    """Bring the workspace index up to date with the warehouse; returns what was done."""
    folder = index_dir(settings)
    done = [] if rebuild else list(manifest(settings)["batches"])
    con = connect(settings, read_only=True)
    try:
        present = batches(con)
        new = [b for b in present if b not in set(done)]
        if not new and (folder / "manifest.json").exists():
            return {"new_batches": 0, "tokenized": 0, "documents": int(manifest(settings)["documents"])}
        fresh = read_documents(con, new)
    finally:
        con.close()
    old = load(folder).documents if done and folder.exists() else fresh.iloc[0:0]
    keys = fresh["table_name"] + ":" + fresh["record_key"]
    kept = old[~(old["table_name"] + ":" + old["record_key"]).isin(set(keys))]
    documents = pd.concat([kept, fresh], ignore_index=True)
    save(build(documents), folder, sorted(set(done) | set(new)))
    return {"new_batches": len(new), "tokenized": len(fresh), "documents": len(documents)}


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
