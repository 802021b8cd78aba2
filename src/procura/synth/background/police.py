"""Background police reports and medical visits (vectorized), which by construction make no lead.

Each generator states the invariant that keeps it below every model's rule
(thresholds not met, pools that never cluster, adults where age matters); the
reference check in the tests proves the invariants hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procura.synth.population import NULL, Population, assemble, org_columns, person_columns, sample
from procura.synth.world import World, ages_on, later, pick, scaled

OFFENSES = {
    "other": 0.36,
    "telecom_fraud": 0.25,
    "personal_info_infringement": 0.08,
    "online_defamation": 0.08,
    "online_insult": 0.05,
    "online_ip_infringement": 0.05,
    "counterfeit_trademark_sales": 0.05,
    "sexual_assault_minor": 0.08,
}
NOT_FILED = np.array(
    [
        "情节显著轻微 / trivial",
        "证据不足 / insufficient evidence",
        "不属于本单位管辖 / jurisdiction",
        "当事人已和解 / settled",
    ]
)
BENIGN_CODES = {
    "J06.9": "急性上呼吸道感染",
    "K29.7": "胃炎",
    "I10": "原发性高血压",
    "E11.9": "2型糖尿病",
    "M54.5": "腰痛",
    "S52.5": "桡骨下端骨折",
    "J20.9": "急性支气管炎",
    "H10.9": "结膜炎",
    "L30.9": "皮炎",
    "R51": "头痛",
    "A09": "感染性腹泻",
    "S60.0": "手指挫伤",
}
ADULT_ONLY_CODES = {
    "S30.2": "外生殖器挫伤",
    "O80": "单胎顺产",
    "Z34.0": "正常首次妊娠监督",
    "O03.9": "自然流产",
    "A56.0": "衣原体感染",
}


def police_reports(world: World, pop: Population) -> None:
    """Reports; defamation victims are adults named once each, views and reposts below threshold."""
    rng, n = world.rng, scaled(world, 4000)
    offense = pick(world, OFFENSES, n)
    received = world.random_dates(n)
    is_def = np.isin(offense, ["online_defamation", "online_insult"])
    victims_def = pop.pool("defame", adult_at=pd.Timestamp(world.start))
    if is_def.sum() > len(victims_def):
        offense[np.flatnonzero(is_def)[len(victims_def) :]] = "other"
        is_def = np.isin(offense, ["online_defamation", "online_insult"])
    victims = assemble(
        n,
        [(np.flatnonzero(is_def), victims_def, False), (np.flatnonzero(~is_def), pop.pool("general"), True)],
        rng,
    )
    v = person_columns(
        victims,
        {
            "name": "victim_name",
            "id_no": "victim_id_no",
            "birth": "victim_birth_date",
            "phone": "victim_phone",
        },
        rng,
        {"id_no": 0.85, "birth": 0.4, "phone": 0.6},
        named=rng.random(n) < 0.85,
    )
    s = person_columns(
        sample(pop.pool("general"), n, rng),
        {"name": "suspect_name", "id_no": "suspect_id_no"},
        rng,
        {"id_no": 0.6},
        named=rng.random(n) < 0.5,
    )
    filed = np.where(is_def, rng.random(n) < 0.25, rng.random(n) < 0.55)
    frame = pd.DataFrame(
        {
            "report_id": world.keys("PR-", n),
            "region_code": world.home_counties(n),
            "police_unit": None,
            "received_at": received,
            "offense_type": offense,
            **{k: val for k, val in v.items() if k != "_entity"},
            **{k: val for k, val in s.items() if k != "_entity"},
            "description": None,
            "views_count": pd.array(np.where(is_def, rng.integers(0, 4000, n), 0), dtype="Int64"),
            "reposts_count": pd.array(np.where(is_def, rng.integers(0, 400, n), 0), dtype="Int64"),
            "filed": filed,
            "filed_at": later(world, received, 1, 30).where(filed),
            "police_case_no": None,
            "not_filed_reason": np.where(filed, NULL, rng.choice(NOT_FILED, n)),
            "_e_victim": v["_entity"],
            "_e_suspect": s["_entity"],
        }
    )
    frame.loc[~is_def, ["views_count", "reposts_count"]] = pd.NA
    units = world.counties.reindex(frame.region_code)
    frame["police_unit"] = (units.name.to_numpy(dtype=str) + "公安分局").astype(object)
    frame["police_case_no"] = np.where(filed, "A" + frame.report_id.str[3:], None)
    frame["description"] = [f"{o} 案件报案" for o in offense]
    world.add_rows("police_reports", frame)


def medical_visits(world: World, pop: Population) -> None:
    """Visits; codes of the mandatory-report lists appear only for patients 20 or older."""
    rng, n = world.rng, scaled(world, 5000)
    patients = sample(pop.persons[pop.persons["pool"].isin(["general", "victim"])], n, rng)
    visit = world.random_dates(n)
    age = ages_on(patients["birth"], visit)
    codes = rng.choice(np.array(list(BENIGN_CODES)), size=n)
    adult_codes = rng.choice(np.array(list(ADULT_ONLY_CODES)), size=n)
    special = (age >= 20) & (rng.random(n) < 0.06)
    codes = np.where(special, adult_codes, codes)
    texts = pd.Series(codes).map({**BENIGN_CODES, **ADULT_ONLY_CODES}).to_numpy(dtype=object)
    hosp = sample(pop.hospitals, n, rng)
    p = person_columns(
        patients,
        {
            "name": "patient_name",
            "id_no": "patient_id_no",
            "birth": "patient_birth_date",
            "sex": "patient_sex",
            "phone": "patient_phone",
        },
        rng,
        {"id_no": 0.7, "birth": 0.6, "sex": 0.95, "phone": 0.5},
    )
    h = org_columns(hosp, "hospital_name", "hospital_uscc", rng)
    frame = pd.DataFrame(
        {
            "visit_id": world.keys("MV-", n),
            "hospital_uscc": h["hospital_uscc"],
            "hospital_name": h["hospital_name"],
            "region_code": hosp["region"].to_numpy(),
            **{k: val for k, val in p.items() if k != "_entity"},
            "visit_date": visit,
            "icd10": codes,
            "diagnosis_text": texts,
            "department": rng.choice(np.array(["急诊科", "内科", "外科", "妇产科", "儿科"]), size=n),
            "_e_patient": p["_entity"],
            "_e_hospital": h["_entity"],
        }
    )
    world.add_rows("medical_visits", frame)
