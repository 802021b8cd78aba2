"""Planted similar-case families and trend shifts: present, well formed, and invisible to the models."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from procura.synth.dataset import Dataset, build


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return build(seed=3, scale=1.0)


def _rows(ds: Dataset, refs: list[dict]) -> pd.DataFrame:
    table = refs[0]["table"]
    key = "report_id"
    ids = {r["key"][key] for r in refs}
    frame = ds.tables[table]
    return frame[frame[key].isin(ids)]


def test_families_are_planted_with_decoys(ds: Dataset) -> None:
    families = ds.truth.extras["similar_families"]
    assert {f["kind"] for f in families} == {"modus_operandi", "body_failure", "operator"}
    for fam in families:
        members, decoys = _rows(ds, fam["members"]), _rows(ds, fam["decoys"])
        assert len(members) == len(fam["members"]) >= 6
        assert len(decoys) == len(fam["decoys"])
        body = "police_unit" if fam["table"] == "police_reports" else "operator_uscc"
        assert members[body].nunique() == 1  # one unit or operator per family
        assert members["description"].nunique() > 1  # paraphrases, not copies


def test_family_and_shift_rows_cannot_make_leads(ds: Dataset) -> None:
    police = ds.tables["police_reports"]
    planted = [
        r["key"]["report_id"] for f in ds.truth.extras["similar_families"] for r in f["members"] + f["decoys"]
    ]
    rows = police[police.report_id.isin(planted)]
    assert rows["_e_victim"].isna().all() and rows["_e_suspect"].isna().all()
    assert set(rows.offense_type) <= {"telecom_fraud", "personal_info_infringement"}
    apps = ds.tables["app_reports"]
    app_keys = [
        r["key"]["report_id"]
        for f in ds.truth.extras["similar_families"]
        if f["table"] == "app_reports"
        for r in f["members"] + f["decoys"]
    ]
    assert set(apps[apps.report_id.isin(app_keys)].issue_type) == {"other"}
    for shift in ds.truth.extras["trend_shifts"]:
        series = police[
            (police.region_code == shift["region_code"])
            & police.victim_name.isna()
            & police.offense_type.isin(["online_defamation", "online_insult"])
        ]
        assert (series.views_count.fillna(0) < 5000).all() and (series.reposts_count.fillna(0) < 500).all()


def test_shift_doubles_from_its_month(ds: Dataset) -> None:
    police = ds.tables["police_reports"]
    for shift in ds.truth.extras["trend_shifts"]:
        rows = police[
            (police.region_code == shift["region_code"]) & police.description.str.contains("报案人|受害人")
        ]
        months = Counter(pd.to_datetime(rows.received_at).dt.to_period("M").astype(str))
        before = [n for m, n in months.items() if m < shift["from_period"]]
        after = [n for m, n in months.items() if m >= shift["from_period"] and m < ds.truth.as_of[:7]]
        assert 1.6 < (sum(after) / len(after)) / (sum(before) / len(before)) < 2.5
