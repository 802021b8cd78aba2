"""Similar-case search on a real DuckDB warehouse and a bm25s index persisted in the workspace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from similar_world import add_reports

from procura.access.principal import SYSTEM, Principal
from procura.config import Settings
from procura.errors import Forbidden, InvalidInput, NotFound
from procura.similar import index as index_store
from procura.similar.score import load_weights
from procura.similar.service import search
from procura.similar.tokens import tokenize

HANGZHOU = Principal(1, "h", "330100-city", "criminal", "handler")
NINGBO = Principal(2, "n", "330200-city", "criminal", "handler")


def test_tokenize_drops_punctuation_and_function_words() -> None:
    assert tokenize("，。！？…《》") == []
    assert tokenize("") == []
    tokens = tokenize("冒充客服的退款诈骗！")
    assert "冒充" in tokens and "客服" in tokens and "的" not in tokens and "！" not in tokens


def test_record_search_ranks_family_first_with_reasons(workspace: Settings) -> None:
    result = search(workspace, SYSTEM, record="police_reports:PR-A1", limit=5)
    keys = [h.record_key for h in result.hits]
    assert set(keys[:2]) == {"PR-A2", "PR-A3"}
    assert "PR-A1" not in keys  # never the query itself
    top = result.hits[0]
    codes = {r["code"] for r in top.reasons}
    assert {"text", "body", "region", "kind"} <= codes
    text_reason = next(r for r in top.reasons if r["code"] == "text")
    assert "客服" in text_reason["detail"]
    # The same wording far away and two years earlier ranks below the family.
    assert keys.index("PR-C1") > keys.index("PR-A3")


def test_baselines_are_the_same_search_with_other_weights(workspace: Settings) -> None:
    weights = load_weights()
    text_only = search(workspace, SYSTEM, record="PR-A1", weights=weights.only("text"), limit=5)
    assert all(set(h.features) and h.features["body"] >= 0 for h in text_only.hits)
    assert {r["code"] for h in text_only.hits for r in h.reasons} == {"text"}


def test_jurisdiction_and_masking(workspace: Settings) -> None:
    hz = search(workspace, HANGZHOU, text="客服 退款 共享屏幕", limit=10)
    assert {h.region_code[:4] for h in hz.hits} == {"3301"}
    nb = search(workspace, NINGBO, text="客服 退款 共享屏幕", limit=10)
    assert [h.record_key for h in nb.hits] == ["PR-C1"]
    assert "13812345678" not in (nb.hits[0].text or "") and "138****5678" in (nb.hits[0].text or "")
    with pytest.raises(NotFound):  # a record outside the index answers 404, not 500
        search(workspace, NINGBO, record="police_reports:PR-NOPE")


def test_bad_queries_get_clear_errors(workspace: Settings) -> None:
    for text, word in (
        ("", "empty"),
        ("   ", "empty"),
        ("，。！？", "punctuation"),
        ("字" * 5000, "characters"),
    ):
        with pytest.raises(InvalidInput, match=word):
            search(workspace, SYSTEM, text=text)
    with pytest.raises(InvalidInput):
        search(workspace, SYSTEM, text="客服", record="PR-A1")
    with pytest.raises(InvalidInput):
        search(workspace, SYSTEM, text="客服", limit=0)
    with pytest.raises(Forbidden):
        search(workspace, Principal(3, "a", "330000-province", "criminal", "auditor"), text="客服")


def test_index_is_persisted_and_refreshed_by_batch(workspace: Settings) -> None:
    first = index_store.refresh(workspace)
    assert first == {"new_batches": 1, "tokenized": 6, "documents": 6}
    assert (workspace.home / "similar" / "bm25" / "vocab.json").is_file()
    assert index_store.refresh(workspace)["new_batches"] == 0
    add_reports(
        workspace,
        [
            (
                "PR-A4",
                "330106",
                "西湖区公安分局",
                date(2025, 4, 9),
                "telecom_fraud",
                "冒充客服以退款为由让受害人共享屏幕转账。",
            )
        ],
        "b2",
    )
    second = index_store.refresh(workspace)
    assert second == {"new_batches": 1, "tokenized": 1, "documents": 7}
    hits = search(workspace, SYSTEM, record="PR-A1", limit=3).hits
    assert "PR-A4" in [h.record_key for h in hits]
    folder = workspace.home / "similar"
    assert len(list((folder / "bm25").glob("segment-*.npz"))) == 2  # one segment per refresh
    tokens = ["冒充", "客服", "退款", "转账"]
    incremental = index_store.load(folder)
    assert index_store.refresh(workspace, rebuild=True)["tokenized"] == 7
    full = index_store.load(folder)
    assert len(list((folder / "bm25").glob("segment-*.npz"))) == 1

    def scored(index: index_store.SimilarIndex) -> dict[str, float]:
        return dict(zip(index.positions, index.text_scores(tokens).tolist(), strict=True))

    assert scored(incremental) == scored(full)  # the same score for every record


def test_weights_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("weights: {text: -1}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=">= 0"):
        load_weights(bad)
    bad.write_text("weights: {colour: 1}\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_weights(bad)
