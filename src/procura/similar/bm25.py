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
Documents replaced by a later batch are *tombstoned*: their segment stays as it
was written, a per-segment deletion set (``deleted-NNNN.npy``, positions) marks
them, and the merged view a query reads leaves them out of the postings and of
the statistics (N, mean length, df), so the scores are a full rebuild's (ADR
0704). A segment whose tombstones pass ``MAX_DEAD`` of its documents is rewritten
without them; segments are merged into one when there are more than
``MAX_SEGMENTS`` (compaction, which drops every tombstoned document).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75
MAX_SEGMENTS = 16
MAX_DEAD = 0.2  # share of tombstoned documents past which a segment is rewritten without them


@dataclass
class Segment:
    """Postings of one batch of documents: token id, document position (in the segment), tf."""

    token: np.ndarray  # int32, sorted
    doc: np.ndarray  # int32, position within the segment
    tf: np.ndarray  # float32
    length: np.ndarray  # int32, tokens per document of the segment
    dead: np.ndarray | None = None  # bool per document: tombstoned (re-written by a later batch)

    def __len__(self) -> int:
        """Documents stored in the segment, tombstoned ones included (rows of its documents file)."""
        return len(self.length)

    @property
    def n_dead(self) -> int:
        return 0 if self.dead is None else int(self.dead.sum())

    @property
    def live(self) -> int:
        return len(self) - self.n_dead

    def purged(self) -> Segment:
        """The segment without its tombstoned documents (positions re-numbered)."""
        if not self.n_dead:
            return Segment(self.token, self.doc, self.tf, self.length)
        assert self.dead is not None
        keep = ~self.dead
        new_pos = np.cumsum(keep, dtype=np.int64) - 1
        alive = keep[self.doc]
        return Segment(
            self.token[alive], new_pos[self.doc[alive]].astype(np.int32), self.tf[alive], self.length[keep]
        )


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
        """Live documents (tombstoned ones are not counted): the rows of the merged view."""
        return sum(s.live for s in self.segments)

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

    def add(self, documents_tokens: list[list[str]]) -> bool:
        """Index one more batch of documents (appended after the current ones) as a new segment;
        True when that made the index compact its segments into one."""
        self.segments.append(segment([self.ids(list(t), grow=True) for t in documents_tokens]))
        self.merged = False
        if len(self.segments) > MAX_SEGMENTS:
            self.compact()
            return True
        return False

    def tombstone(self, dead: np.ndarray) -> set[int]:
        """Mark as tombstoned the documents flagged in ``dead`` (over stored positions, tombstoned
        ones included: the rows of the documents files); segments left with more than ``MAX_DEAD``
        of their documents tombstoned are rewritten without them. Returns those segments."""
        rewritten: set[int] = set()
        offset = 0
        for i, seg in enumerate(self.segments):
            local = dead[offset : offset + len(seg)]
            offset += len(seg)
            if not local.any():
                continue
            seg.dead = local.copy() if seg.dead is None else (seg.dead | local)
            self.merged = False
            if len(seg) and seg.n_dead > MAX_DEAD * len(seg):
                self.segments[i] = seg.purged()
                self.clean.discard(i)
                rewritten.add(i)
        return rewritten

    def drop(self, keep: np.ndarray) -> set[int]:
        """Tombstone the live documents whose ``keep`` flag (over live positions, those of the merged
        view) is not set; returns the segments rewritten (see :meth:`tombstone`)."""
        stored = np.concatenate(
            [s.dead if s.dead is not None else np.zeros(len(s), bool) for s in self.segments]
            or [np.zeros(0, bool)]
        )
        dead = np.zeros(len(stored), dtype=bool)
        dead[np.flatnonzero(~stored)[~keep]] = True
        return self.tombstone(dead)

    def compact(self) -> None:
        """Merge every segment into one without the tombstoned documents (same scores; fewer files)."""
        self.merge()
        order = np.lexsort((self.docs, np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))))
        tokens = np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int32), np.diff(self.indptr))
        self.segments = [Segment(tokens[order], self.docs[order], self.tfs[order], self.lengths.copy())]
        self.clean = set()
        self.merged = False

    def merge(self) -> None:
        """Build the merged, token-major view of every segment (global document positions)."""
        self.merged = True
        # Tombstoned documents leave the view (and so N, the mean length and df) here, at load time;
        # what remains is, number for number, the view of a rebuild without them.
        live = [s.purged() for s in self.segments]
        offsets = np.cumsum([0] + [len(s) for s in live])
        tokens = np.concatenate([s.token for s in live] or [np.zeros(0, np.int32)])
        docs = np.concatenate(
            [s.doc.astype(np.int64) + o for s, o in zip(live, offsets, strict=False)]
            or [np.zeros(0, np.int64)]
        )
        tfs = np.concatenate([s.tf for s in live] or [np.zeros(0, np.float32)])
        order = np.argsort(tokens, kind="stable")  # segments in order: documents ascending per token
        self.docs = docs[order].astype(np.int32)
        self.tfs = tfs[order]
        counts = np.bincount(tokens, minlength=len(self.vocab)).astype(np.int64)
        self.indptr = np.concatenate([[0], np.cumsum(counts)])
        self.df = counts
        self.lengths = np.concatenate([s.length for s in live] or [np.zeros(0, np.int32)])
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
        """Write to ``folder``; segments unchanged since loading from ``previous`` are hard-linked (their
        deletion sets, a few positions, are written anew)."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        for i, seg in enumerate(self.segments):
            if seg.n_dead:
                assert seg.dead is not None
                np.save(folder / f"deleted-{i:04d}.npy", np.flatnonzero(seg.dead).astype(np.int32))
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
                seg = Segment(data["token"], data["doc"], data["tf"], data["length"])
            deleted = folder / path.name.replace("segment-", "deleted-").replace(".npz", ".npy")
            if deleted.exists():
                seg.dead = np.zeros(len(seg), dtype=bool)
                seg.dead[np.load(deleted)] = True
            index.segments.append(seg)
        index.clean = set(range(len(index.segments)))
        return index
