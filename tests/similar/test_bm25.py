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


def _frame(keys: list[str], texts: dict[str, list[str]], version: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "table_name": "police_reports",
            "record_key": keys,
            "text": [f"v{version[k]}" for k in keys],
            "kind": "other",
            "body": "b",
            "body_name": None,
            "region_code": "330102",
            "date": pd.Timestamp("2026-01-01"),
            "amount": 1.0,
            "tokens": [texts[k] for k in keys],
        }
    )


def test_rewrites_across_batches_are_tombstoned_and_score_as_a_full_rebuild(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Re-written records leave their old segment untouched (a deletion set marks them), the scores
    equal a rebuild's exactly, the old versions are never returned, and a segment past 20 %
    tombstones is rewritten without them."""
    from procura.similar import index as store

    folder = tmp_path / "similar"
    docs = _corpus(300, 11)
    keys = [f"D{i:03d}" for i in range(300)]
    texts = dict(zip(keys, docs, strict=True))
    version = dict.fromkeys(keys, 0)
    order = keys[:200]
    store.save(store.build(_frame(order, texts, version)), folder, ["b0"])
    first = folder / "bm25" / "segment-0000.npz"
    inode = first.stat().st_ino
    rng = np.random.default_rng(5)
    for n, start in enumerate(range(200, 300, 25), 1):  # four batches, each re-writing 6 records
        rewritten = [str(k) for k in rng.choice(order, size=6, replace=False)]
        for k in rewritten:
            version[k] += 1
            texts[k] = _corpus(1, 2000 + 10 * n + int(k[1:]))[0] + [f"new{n}"]
        fresh = keys[start : start + 25] + rewritten
        store.append(folder, _frame(fresh, texts, version), [f"b{i}" for i in range(n + 1)])
        order = [k for k in order if k not in set(rewritten)] + fresh
        assert (folder / "bm25" / "segment-0000.npz").stat().st_ino == inode  # not rewritten
        assert (folder / "bm25" / "deleted-0000.npy").exists()
        loaded = store.load(folder)
        full = store.build(_frame(order, texts, version))
        assert loaded.documents["record_key"].tolist() == order  # each record once, latest version
        assert (loaded.documents["text"] == [f"v{version[k]}" for k in order]).all()
        for query in [*_queries(n), [f"new{n}"]]:
            assert np.array_equal(loaded.text_scores(query), full.text_scores(query))
    # Re-write 7 of the 31 documents of the second segment (> 20 %): it is rewritten without them.
    stored = pd.read_parquet(folder / "documents-0001.parquet")["record_key"].tolist()
    deleted = folder / "bm25" / "deleted-0001.npy"
    dead = set(np.load(deleted).tolist()) if deleted.exists() else set()
    live = [k for i, k in enumerate(stored) if i not in dead]
    victims = live[:7]
    for k in victims:
        version[k] += 1
    store.append(folder, _frame(victims, texts, version), [f"b{i}" for i in range(6)])
    order = [k for k in order if k not in set(victims)] + victims
    assert not deleted.exists()
    assert pd.read_parquet(folder / "documents-0001.parquet")["record_key"].tolist() == live[7:]
    assert (folder / "bm25" / "segment-0000.npz").stat().st_ino == inode
    loaded = store.load(folder)
    assert loaded.documents["record_key"].tolist() == order
    full = store.build(_frame(order, texts, version))
    for query in _queries(99):
        assert np.array_equal(loaded.text_scores(query), full.text_scores(query))
