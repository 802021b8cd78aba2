"""Background criminal cases, their victims and administrative penalties (vectorized).

Invariants: non-prosecuted rows were referred for penalty; personal-information
cases stay under 5000 records and 10 victims; vulnerable or disabled victims of
qualifying cases lost under 9000 yuan; penalties stay under every crime
threshold (or were transferred, or are of a type without one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procura.synth.population import NULL, Population, org_columns, person_columns, sample
from procura.synth.world import World, ages_on, later, pick, scaled

CHARGES = {
    "telecom_fraud": 0.33,
    "personal_info_infringement": 0.15,
    "online_defamation": 0.04,
    "online_insult": 0.03,
    "copyright_infringement": 0.05,
    "counterfeit_trademark_sales": 0.07,
    "sexual_assault_minor": 0.05,
    "other": 0.28,
}
STAGES = {
    "arrest_review": 0.15,
    "prosecution_review": 0.2,
    "prosecuted": 0.25,
    "non_prosecuted": 0.1,
    "judged": 0.3,
}
AGENCIES = {
    "market_regulation": 0.35,
    "cyberspace": 0.15,
    "copyright": 0.1,
    "public_security_admin": 0.15,
    "industry_it": 0.1,
    "health": 0.05,
    "other": 0.1,
}
VIOLATIONS = {
    "online_ip_infringement": 0.15,
    "counterfeit_trademark_sales": 0.2,
    "personal_info_violation": 0.15,
    "price_violation": 0.2,
    "other": 0.3,
}


def criminal_cases(world: World, pop: Population) -> pd.DataFrame:
    """Cases with one row per suspect; returns the case-level frame (case_no, charge, stage, decision)."""
    rng, n_cases = world.rng, scaled(world, 900)
    cases = pd.DataFrame(
        {
            "case_no": world.keys("CC-", n_cases),
            "region_code": world.home_counties(n_cases),
            "charge": pick(world, CHARGES, n_cases),
            "stage": pick(world, STAGES, n_cases),
            "decision_date": world.random_dates(n_cases, hi_days_ago=5),
            "n_suspects": rng.choice([1, 2, 3], size=n_cases, p=[0.6, 0.3, 0.1]),
        }
    )
    cases.loc[(cases.stage == "arrest_review") & (rng.random(n_cases) < 0.2), "decision_date"] = pd.NaT
    rows = cases.loc[cases.index.repeat(cases.n_suspects)].reset_index(drop=True)
    n = len(rows)
    rows["suspect_key"] = "S" + (rows.groupby("case_no").cumcount() + 1).astype(str)
    is_org = rng.random(n) < 0.08
    person = person_columns(
        sample(pop.pool("general"), n, rng),
        {"name": "suspect_name", "id_no": "suspect_id_no"},
        rng,
        {"id_no": 0.85},
    )
    org = org_columns(sample(pop.companies, n, rng), "suspect_name", "suspect_uscc", rng, p_uscc=0.9)
    rows["suspect_name"] = np.where(is_org, org["suspect_name"], person["suspect_name"])
    rows["suspect_id_no"] = np.where(is_org, None, person["suspect_id_no"])
    rows["suspect_uscc"] = np.where(is_org, org["suspect_uscc"], None)
    rows["_e_suspect"] = np.where(is_org, org["_entity"], person["_entity"])
    pi = (rows.charge == "personal_info_infringement").to_numpy()
    fraud = (rows.charge == "telecom_fraud").to_numpy()
    rows["records_count"] = pd.array(np.where(pi, rng.integers(50, 4000, n), 0), dtype="Int64")
    rows.loc[~pi, "records_count"] = pd.NA
    rows["illegal_gain"] = np.round(rng.uniform(500, 200000, n), 2)
    rows["victims_count"] = pd.array(rng.integers(1, 9, n), dtype="Int64")
    rows.loc[~(pi | fraud), "victims_count"] = pd.NA
    with_platform = (pi | fraud) & (rng.random(n) < 0.3)
    plat = org_columns(
        sample(pop.platforms, n, rng), "platform_name", "platform_uscc", rng, named=with_platform
    )
    rows["platform_name"], rows["platform_uscc"], rows["_e_platform"] = (
        plat["platform_name"],
        plat["platform_uscc"],
        plat["_entity"],
    )
    rows["civil_pil_filed"] = np.where(pi & (rng.random(n) < 0.2), True, NULL)
    non_pros = (rows.stage == "non_prosecuted").to_numpy()
    rows["admin_referral_sent"] = np.where(non_pros, True, np.where(rng.random(n) < 0.1, False, NULL))
    world.add_rows("criminal_cases", rows.drop(columns=["n_suspects"]))
    return cases


def criminal_case_victims(world: World, pop: Population, cases: pd.DataFrame) -> None:
    """Victims of about 70% of cases; vulnerable victims of qualifying cases lost under 9000 yuan."""
    rng = world.rng
    chosen = cases[rng.random(len(cases)) < 0.7]
    counts = rng.choice([1, 2, 3], size=len(chosen), p=[0.5, 0.3, 0.2])
    rows = chosen.loc[chosen.index.repeat(counts)].reset_index(drop=True)
    n = len(rows)
    rows["victim_key"] = "V" + (rows.groupby("case_no").cumcount() + 1).astype(str)
    people = sample(pop.persons[pop.persons["pool"].isin(["victim", "general"])], n, rng)
    v = person_columns(
        people,
        {
            "name": "victim_name",
            "id_no": "victim_id_no",
            "birth": "victim_birth_date",
            "phone": "victim_phone",
        },
        rng,
        {"id_no": 0.9, "birth": 0.5, "phone": 0.7},
    )
    for key, value in v.items():
        rows[key if key != "_entity" else "_e_victim"] = value
    rows["disability"] = np.where(rng.random(n) < 0.04, True, np.where(rng.random(n) < 0.5, False, NULL))
    loss = np.round(rng.uniform(500, 90000, n), 2)
    age = ages_on(people["birth"], rows["decision_date"])
    qualifying = (
        rows.charge.isin(["telecom_fraud", "personal_info_infringement"])
        & rows.stage.isin(["prosecuted", "judged"])
    ).to_numpy()
    vulnerable = (age < 19) | (age >= 58) | (rows["disability"] == True).to_numpy()  # noqa: E712
    unsafe = qualifying & (vulnerable | rows["decision_date"].isna().to_numpy())
    rows["loss_amount"] = np.where(unsafe, np.round(rng.uniform(100, 8999, n), 2), loss)
    keep = [
        "case_no",
        "victim_key",
        "victim_name",
        "victim_id_no",
        "victim_birth_date",
        "victim_phone",
        "disability",
        "loss_amount",
        "_e_victim",
    ]
    world.add_rows("criminal_case_victims", rows[keep])


def admin_penalties(world: World, pop: Population) -> None:
    """Penalties under every crime threshold, or transferred, or of a type without a threshold."""
    rng, n = world.rng, scaled(world, 2000)
    decided = world.random_dates(n)
    vtype = pick(world, VIOLATIONS, n)
    is_org = rng.random(n) < 0.4
    person = person_columns(
        sample(pop.pool("general"), n, rng),
        {"name": "party_name", "id_no": "party_id_no"},
        rng,
        {"id_no": 0.9},
    )
    org = org_columns(sample(pop.companies, n, rng), "party_name", "party_uscc", rng, p_uscc=0.9)
    free = np.isin(vtype, ["price_violation", "other"])
    volume = np.where(free, rng.uniform(1000, 800000, n), rng.uniform(1000, 45000, n))
    gain = np.where(free, rng.uniform(100, 300000, n), rng.uniform(100, 25000, n))
    gain = np.where(vtype == "personal_info_violation", rng.uniform(100, 4500, n), gain)
    records = np.where(vtype == "personal_info_violation", rng.integers(10, 4500, n), -1)
    transferred = rng.random(n) < 0.08
    frame = pd.DataFrame(
        {
            "penalty_id": world.keys("AP-", n),
            "agency_type": pick(world, AGENCIES, n),
            "region_code": world.home_counties(n),
            "decided_at": decided,
            "party_type": np.where(is_org, "org", "person"),
            "party_name": np.where(is_org, org["party_name"], person["party_name"]),
            "party_id_no": np.where(is_org, None, person["party_id_no"]),
            "party_uscc": np.where(is_org, org["party_uscc"], None),
            "violation_type": vtype,
            "illegal_business_volume": np.round(volume, 2),
            "illegal_gain": np.round(gain, 2),
            "records_count": pd.array(records, dtype="Int64"),
            "fine_amount": np.round(rng.uniform(500, 200000, n), 2),
            "transferred": transferred,
            "transferred_at": later(world, decided, 1, 29).where(transferred),
            "_e_party": np.where(is_org, org["_entity"], person["_entity"]),
        }
    )
    frame.loc[frame.records_count < 0, "records_count"] = pd.NA
    world.add_rows("admin_penalties", frame)
