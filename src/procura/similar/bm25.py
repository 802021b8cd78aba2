"""BM25 over segments: one segment per indexed batch, global statistics combined at query time.

bm25s bakes the corpus statistics (document count, mean length, document
frequencies) into every stored score, so adding one batch meant re-scoring the
whole corpus (~190 s at 1M records). Here a segment stores only what does not
change when other documents come: per (token, document) the term frequency, and
per document its length. The statistics are sums over segments (integers, so
their order does not matter), and a query computes, for its own tokens only,
the Lucene BM25 of bm25s (``bm25s.scoring._score_idf_lucene`` and
``_score_tfc_lucene``, k1 = 1.5, b = 0.75):

    score(d) = Σ_t idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl)),
    idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))

Every number in that formula is the same whether the corpus was indexed in one
segment or in many, so an incremental index scores exactly as a full rebuild
(``tests/similar/test_bm25.py`` checks both against ``bm25s.BM25.get_scores``).
Documents replaced by a later batch are dropped from the postings (positions
re-numbered) and from the statistics. Segments are merged into one when there
are more than ``MAX_SEGMENTS`` (compaction; a rewrite of the postings only).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75
MAX_SEGMENTS = 16


@dataclass
class Segment:
    """Postings of one batch of documents: token id, document position (in the segment), tf."""

    token: np.ndarray  # int32, sorted
    doc: np.ndarray  # int32, position within the segment
    tf: np.ndarray  # float32
    length: np.ndarray  # int32, tokens per document of the segment

    def __len__(self) -> int:
        return len(self.length)


def segment(token_ids: list[np.ndarray]) -> Segment:
    """A segment from the token ids of its documents (one array per document, repeats counted)."""
    lengths = np.fromiter((len(t) for t in token_ids), dtype=np.int32, count=len(token_ids))
    if not len(token_ids) or not lengths.sum():
        empty = np.zeros(0, dtype=np.int32)
        return Segment(empty, empty, np.zeros(0, dtype=np.float32), lengths)
    docs = np.repeat(np.arange(len(token_ids), dtype=np.int64), lengths)
    tokens = np.concatenate(token_ids).astype(np.int64)
    pairs, tf = np.unique(tokens * (len(token_ids) + 1) + docs, return_counts=True)  # sorted by token
    return Segment(
        (pairs // (len(token_ids) + 1)).astype(np.int32),
        (pairs % (len(token_ids) + 1)).astype(np.int32),
        tf.astype(np.float32),
        lengths,
    )


@dataclass
class SegmentedBM25:
    """The vocabulary, the segments, and the merged postings a query reads."""

    vocab: dict[str, int] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    # Merged view (built by ``merge``): postings of token t are indptr[t]:indptr[t+1].
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    tfs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    df: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    norm: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    clean: set[int] = field(default_factory=set)  # segments unchanged since ``load`` (not rewritten)
    merged: bool = False

    @property
    def n_docs(self) -> int:
        return sum(len(s) for s in self.segments)

    def ids(self, tokens: list[str], grow: bool = False) -> np.ndarray:
        """Token ids of ``tokens`` (new tokens get new ids when ``grow``; otherwise unknown are left out)."""
        out = []
        for t in tokens:
            i = self.vocab.get(t)
            if i is None and grow:
                i = self.vocab[t] = len(self.vocab)
            if i is not None:
                out.append(i)
        return np.asarray(out, dtype=np.int32)

    def add(self, documents_tokens: list[list[str]]) -> None:
        """Index one more batch of documents (appended after the current ones) as a new segment."""
        self.segments.append(segment([self.ids(list(t), grow=True) for t in documents_tokens]))
        self.merged = False
        if len(self.segments) > MAX_SEGMENTS:
            self.compact()

    def drop(self, keep: np.ndarray) -> None:
        """Keep only the documents whose ``keep`` flag (over current positions) is set; positions after
        a dropped document move up."""
        if keep.all():
            return
        offset = 0
        for i, seg in enumerate(self.segments):
            local = keep[offset : offset + len(seg)]
            new_pos = np.cumsum(local, dtype=np.int64) - 1
            alive = local[seg.doc]
            self.segments[i] = Segment(
                seg.token[alive], new_pos[seg.doc[alive]].astype(np.int32), seg.tf[alive], seg.length[local]
            )
            if not local.all():
                self.clean.discard(i)
            offset += len(seg)
        self.merged = False

    def compact(self) -> None:
        """Merge every segment into one (same scores; fewer files and arrays)."""
        self.merge()
        order = np.lexsort((self.docs, np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))))
        tokens = np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int32), np.diff(self.indptr))
        self.segments = [Segment(tokens[order], self.docs[order], self.tfs[order], self.lengths.copy())]
        self.clean = set()
        self.merged = False

    def merge(self) -> None:
        """Build the merged, token-major view of every segment (global document positions)."""
        self.merged = True
        offsets = np.cumsum([0] + [len(s) for s in self.segments])
        tokens = np.concatenate([s.token for s in self.segments] or [np.zeros(0, np.int32)])
        docs = np.concatenate(
            [s.doc.astype(np.int64) + o for s, o in zip(self.segments, offsets, strict=False)]
            or [np.zeros(0, np.int64)]
        )
        tfs = np.concatenate([s.tf for s in self.segments] or [np.zeros(0, np.float32)])
        order = np.argsort(tokens, kind="stable")  # segments in order: documents ascending per token
        self.docs = docs[order].astype(np.int32)
        self.tfs = tfs[order]
        counts = np.bincount(tokens, minlength=len(self.vocab)).astype(np.int64)
        self.indptr = np.concatenate([[0], np.cumsum(counts)])
        self.df = counts
        self.lengths = np.concatenate([s.length for s in self.segments] or [np.zeros(0, np.int32)])
        # The length part of the tf component depends on avgdl only: once per merge, not per query.
        total = int(self.lengths.sum(dtype=np.int64))
        avgdl = total / len(self.lengths) if total else 1.0
        self.norm = (K1 * ((1 - B) + B * self.lengths.astype(np.float64) / avgdl)).astype(np.float32)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 (Lucene, as bm25s) of every document for the query ``tokens`` (repeats count)."""
        if not self.merged:
            self.merge()
        n = self.n_docs
        out = np.zeros(n, dtype=np.float32)
        ids = self.ids(tokens)
        if not n or not len(ids):
            return out
        for t in ids:
            lo, hi = self.indptr[t], self.indptr[t + 1]
            if lo == hi:
                continue
            df = hi - lo
            idf = np.float32(np.log(1 + (n - df + 0.5) / (df + 0.5)))
            docs, tf = self.docs[lo:hi], self.tfs[lo:hi]
            out[docs] += idf * (tf / (self.norm[docs] + tf))
        return out

    def save(self, folder: Path, previous: Path | None = None) -> None:
        """Write to ``folder``; segments unchanged since loading from ``previous`` are hard-linked."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        for i, seg in enumerate(self.segments):
            name = f"segment-{i:04d}.npz"
            if previous is not None and i in self.clean and (previous / name).exists():
                os.link(previous / name, folder / name)
                continue
            np.savez(folder / name, token=seg.token, doc=seg.doc, tf=seg.tf, length=seg.length)

    @classmethod
    def load(cls, folder: Path) -> SegmentedBM25:
        index = cls(json.loads((folder / "vocab.json").read_text(encoding="utf-8")))
        for path in sorted(folder.glob("segment-*.npz")):
            with np.load(path) as data:
                index.segments.append(Segment(data["token"], data["doc"], data["tf"], data["length"]))
        index.clean = set(range(len(index.segments)))
        return index
