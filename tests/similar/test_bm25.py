"""The segmented BM25: an index built batch by batch (with records re-written and compactions)
scores every document exactly as one built in full, and both equal bm25s's Lucene BM25 (on a
corpus without empty documents: bm25s indexes those with a placeholder token that counts in the
mean length; procura gives them length 0)."""

from __future__ import annotations

import bm25s
import numpy as np
import pandas as pd
import pytest

from procura.similar import bm25 as segmented
from procura.similar.bm25 import SegmentedBM25

WORDS = [f"w{i}" for i in range(60)]


def _corpus(n: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    # Skewed word use (a few common words, many rare ones) and some empty documents.
    probs = 1 / np.arange(1, len(WORDS) + 1)
    probs /= probs.sum()
    return [list(rng.choice(WORDS, size=int(rng.integers(0, 12)), p=probs)) for _ in range(n)]


def _queries(seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [list(rng.choice(WORDS, size=int(rng.integers(1, 6)))) for _ in range(30)] + [
        ["absent"],
        ["w0", "w0"],
    ]


def _ranking(scores: np.ndarray, keys: list[str]) -> list[str]:
    order = sorted(range(len(keys)), key=lambda i: (-float(scores[i]), keys[i]))
    return [keys[i] for i in order if scores[i] > 0]


def test_incremental_scores_equal_a_full_rebuild_and_bm25s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segmented, "MAX_SEGMENTS", 3)  # compact during the run as well
    docs = _corpus(400, 1)
    keys = [f"D{i}" for i in range(len(docs))]
    current = dict(zip(keys, docs, strict=True))
    incremental = SegmentedBM25()
    order: list[str] = []
    rng = np.random.default_rng(7)
    for start in range(0, 400, 50):  # eight batches; later ones re-write a few earlier records
        batch = keys[start : start + 50]
        rewritten = [k for k in rng.choice(order, size=min(5, len(order)), replace=False)] if order else []
        for k in rewritten:
            current[k] = _corpus(1, int(k[1:]) + 1000)[0]
        fresh = batch + [str(k) for k in rewritten]
        keep = np.array([k not in set(rewritten) for k in order], dtype=bool)
        incremental.drop(keep)
        order = [k for k in order if k not in set(rewritten)] + fresh
        incremental.add([current[k] for k in fresh])
    assert len(incremental.segments) <= 3
    full = SegmentedBM25()
    full.add([current[k] for k in order])
    for query in _queries(3):
        inc, whole = incremental.scores(query), full.scores(query)
        assert np.array_equal(inc, whole)  # the same numbers, not merely close
        assert _ranking(inc, order) == _ranking(whole, order)


def test_scores_equal_bm25s_on_a_corpus_without_empty_documents() -> None:
    docs = [d or ["w1"] for d in _corpus(300, 5)]
    ours = SegmentedBM25()
    for start in range(0, 300, 70):
        ours.add(docs[start : start + 70])
    reference = bm25s.BM25()
    reference.index(docs, show_progress=False)
    for query in _queries(9):
        known = [t for t in query if t in reference.vocab_dict]
        if known:
            assert np.allclose(ours.scores(query), reference.get_scores(known), rtol=1e-5, atol=1e-6)


def test_index_files_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = _corpus(120, 2)
    index = SegmentedBM25()
    index.add(docs[:60])
    index.add(docs[60:])
    index.save(tmp_path / "bm25")
    again = SegmentedBM25.load(tmp_path / "bm25")
    assert again.clean == {0, 1}
    for query in _queries(4):
        assert np.array_equal(index.scores(query), again.scores(query))
    assert pd.Series(again.lengths).sum() == sum(len(d) for d in docs)
