"""The truth is the exact answer: each rule, computed with the true entities, finds exactly the plants."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from procura.synth import Dataset, build
from tests.synth import reference


def _ids(entries: list[dict[str, Any]], model: str, ds: Dataset) -> set[Any]:
    """What the reference returns for a model, read from truth entries (anchors or subjects)."""
    out: set[Any] = set()
    for entry in entries:
        for anchor in entry["anchor"]:
            out.add(_anchor_id(model, anchor, ds))
    return out


def _anchor_id(model: str, anchor: dict[str, Any], ds: Dataset) -> Any:
    key = anchor["key"]
    if model == "mandatory-report-failure":
        return key["visit_id"]
    if model == "fines-instead-of-prosecution":
        return key["penalty_id"]
    if model == "unfiled-online-defamation":
        return key["report_id"]
    if model == "non-prosecution-without-penalty":
        return (key["case_no"], key["suspect_key"])
    if model == "pi-case-without-civil-pil":
        return key["case_no"]
    if model == "price-discrimination":
        return (key["platform_uscc"], key["sku"])
    if model == "vulnerable-victim-support":
        return (key["case_no"], key["victim_key"])
    return _entity_of(model, anchor, ds)


def _entity_of(model: str, anchor: dict[str, Any], ds: Dataset) -> str:
    """The true entity an entity-anchored model's anchor record is about."""
    table, key = anchor["table"], anchor["key"]
    frame = ds.tables[table]
    if table == "app_reports":
        return str(frame.set_index("report_id").at[key["report_id"], "_e_operator"])
    if table == "police_reports":
        return str(frame.set_index("report_id").at[key["report_id"], "_e_victim"])
    parties = ds.tables["court_parties"]
    plaintiff = parties[(parties.case_no == key["case_no"]) & (parties.role == "plaintiff")]
    return str(plaintiff["_e_party"].iloc[0])


def _reference(model: str, ds: Dataset, as_of: date) -> set[Any]:
    fn = getattr(reference, model.replace("-", "_"))
    if model in ("unfiled-online-defamation", "non-prosecution-without-penalty"):
        return set(fn(ds, as_of))
    return set(fn(ds))


def check(ds: Dataset) -> None:
    as_of = date.fromisoformat(ds.truth.as_of)
    for model, planted in ds.truth.models.items():
        found = _reference(model, ds, as_of)
        violations = _ids(planted["violations"], model, ds)
        near = _ids(planted["near_misses"], model, ds)
        assert violations, f"{model}: nothing planted"
        assert near, f"{model}: no near-misses planted"
        assert found == violations, f"{model}: extra {found - violations}, missing {violations - found}"
        assert not (near & found), f"{model}: near-misses found {near & found}"


def test_reference_rules_find_exactly_the_planted_violations(small: Dataset) -> None:
    check(small)


@pytest.mark.slow
@pytest.mark.parametrize("seed,scale", [(1, 1.0), (3, 2.0)])
def test_reference_rules_at_demo_scale(seed: int, scale: float) -> None:
    check(build(seed=seed, scale=scale))


def test_subjects_match_anchor_entities(small: Dataset) -> None:
    """For entity-anchored models every anchor record of a violation is about its subject."""
    for model in ("app-pi-violations", "false-litigation", "cyberviolence-cluster"):
        for entry in small.truth.models[model]["violations"]:
            entities = {_entity_of(model, a, small) for a in entry["anchor"]}
            assert entities == {entry["subject"]["entity_id"]}, (model, entry["note"])


LINKED = (
    "mandatory-report-failure",
    "fines-instead-of-prosecution",
    "non-prosecution-without-penalty",
    "app-pi-violations",
    "false-litigation",
    "vulnerable-victim-support",
    "cyberviolence-cluster",
)


def test_a_good_share_depends_on_entity_resolution(small: Dataset) -> None:
    """Among models that link people, a quarter of plants are only right with good linkage."""
    for kind in ("violations", "near_misses"):
        entries = [e for m in LINKED for e in small.truth.models[m][kind]]
        share = sum(e["needs_er"] for e in entries) / len(entries)
        assert share >= 0.2, (kind, share)
    entries = [e for m in small.truth.models.values() for e in m["violations"] + m["near_misses"]]
    assert all(isinstance(e.get("note", e.get("reason")), str) for e in entries)


def test_reference_detects_a_removed_plant(small: Dataset) -> None:
    """The check can fail: dropping a violation's report makes a near-miss a lead."""
    model = "mandatory-report-failure"
    reported = next(e for e in small.truth.models[model]["near_misses"] if "exactly 30 days" in e["reason"])
    visit_id = reported["anchor"][0]["key"]["visit_id"]
    visits = small.tables["medical_visits"]
    patient = visits.loc[visits.visit_id == visit_id, "_e_patient"].iloc[0]
    reports = small.tables["police_reports"]
    trimmed = Dataset(
        {**small.tables, "police_reports": reports[reports._e_victim != patient]},
        small.truth,
        {},
        {},
        small.seed,
        small.persons,
        small.orgs,
    )
    assert visit_id in reference.mandatory_report_failure(trimmed)
    assert isinstance(pd.Timestamp(small.truth.as_of), pd.Timestamp)


def test_a_one_city_province_and_another_as_of_date() -> None:
    """Beijing has one city (price groups split by day instead); windows follow the as-of date."""
    ds = build(seed=3, scale=0.05, as_of=date(2027, 3, 1), province="110000")
    assert ds.truth.as_of == "2027-03-01"
    assert set(ds.tables["police_reports"].region_code.str[:2]) >= {"11"}
    check(ds)
