"""A plain pandas reading of the ten supervision models, computed with the TRUE entities.

This is the executable statement of how the generator reads each rule of
``spec/supervision-models.md`` (see ADR 0201): the tests assert that it finds
exactly the planted violations, so the truth file is the exact answer.
Windows of N days are read as first and last dates at most N days apart (as ADR
0450 does); plants keep well away from that boundary either way.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from procura.synth.dataset import Dataset
from procura.synth.world import ages_on

GENITAL = {"S30.2", "S31.2", "S31.3", "S31.4", "S31.5", "T74.2", "T76.2"}


def pregnancy_sti(code: str) -> bool:
    """O00-O08, O80-O84, Z32.1, Z33, Z34, A50-A64 (categories include their subcodes)."""
    cat = code[:3]
    if cat[0] in "OA" and cat[1:].isdigit():
        n = int(cat[1:])
        return (cat[0] == "O" and (0 <= n <= 8 or 80 <= n <= 84)) or (cat[0] == "A" and 50 <= n <= 64)
    return code == "Z32.1" or cat in ("Z33", "Z34")


def _stored(ds: Dataset, table: str) -> pd.DataFrame:
    return ds.stored(table).drop(columns=["_bg"])


def _truthy(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is True or v == 1 or v is np.True_)


def _birth(ds: Dataset) -> pd.Series:
    return ds.persons.set_index("entity")["birth"]


def _age(ds: Dataset, entity: pd.Series, day: pd.Series) -> np.ndarray:
    births = entity.map(_birth(ds))
    return ages_on(births.reset_index(drop=True), pd.to_datetime(day).reset_index(drop=True))


def mandatory_report_failure(ds: Dataset) -> set[str]:
    visits = _stored(ds, "medical_visits").reset_index(drop=True)
    reports = _stored(ds, "police_reports")
    sex = visits["_e_patient"].map(ds.persons.set_index("entity")["sex"])
    age = _age(ds, visits["_e_patient"], visits["visit_date"])
    code = visits["icd10"]
    flagged = ((age < 18) & code.isin(GENITAL)) | ((sex == "F") & (age < 14) & code.map(pregnancy_sti))
    by_victim = (
        reports[reports["_e_victim"].notna()].groupby("_e_victim")["received_at"].apply(list).to_dict()
    )
    out = set()
    for _, row in visits[flagged.to_numpy()].iterrows():
        lo, hi = row.visit_date - pd.Timedelta(days=365), row.visit_date + pd.Timedelta(days=30)
        if not any(lo <= d <= hi for d in by_victim.get(row._e_patient, [])):
            out.add(row.visit_id)
    return out


def fines_instead_of_prosecution(ds: Dataset) -> set[str]:
    p = _stored(ds, "admin_penalties")
    v, gain, vol, rec = p.violation_type, p.illegal_gain, p.illegal_business_volume, p.records_count
    meets = (
        ((v == "online_ip_infringement") & ((gain >= 30000) | (vol >= 50000)))
        | ((v == "counterfeit_trademark_sales") & (vol >= 50000))
        | ((v == "personal_info_violation") & ((rec.fillna(-1) >= 5000) | (gain >= 5000)))
    )
    candidates = p[meets.fillna(False).astype(bool) & ~_truthy(p.transferred)]
    reports = _stored(ds, "police_reports")
    cases = _stored(ds, "criminal_cases")
    dated = pd.concat(
        [
            reports[["_e_suspect", "received_at"]].rename(columns={"received_at": "day"}),
            cases[["_e_suspect", "decision_date"]].rename(columns={"decision_date": "day"}),
        ]
    ).dropna()
    by_party = dated.groupby("_e_suspect")["day"].apply(list).to_dict()
    return {
        row.penalty_id
        for _, row in candidates.iterrows()
        if not any(abs((d - row.decided_at).days) <= 365 for d in by_party.get(row._e_party, []))
    }


def unfiled_online_defamation(ds: Dataset, as_of: date) -> set[str]:
    r = _stored(ds, "police_reports")
    old = (pd.Timestamp(as_of) - r.received_at).dt.days >= 30
    serious = (r.views_count.fillna(0) >= 5000) | (r.reposts_count.fillna(0) >= 500)
    hit = r.offense_type.isin(["online_defamation", "online_insult"]) & ~_truthy(r.filed) & old & serious
    return set(r[hit.astype(bool)].report_id)


def non_prosecution_without_penalty(ds: Dataset, as_of: date) -> set[tuple[str, str]]:
    c = _stored(ds, "criminal_cases")
    charges = [
        "personal_info_infringement",
        "online_defamation",
        "online_insult",
        "copyright_infringement",
        "counterfeit_trademark_sales",
        "telecom_fraud",
    ]
    aged = (pd.Timestamp(as_of) - c.decision_date).dt.days >= 30
    cand = c[
        (c.stage == "non_prosecuted")
        & c.charge.isin(charges)
        & aged.fillna(False).astype(bool)
        & ~_truthy(c.admin_referral_sent)
    ]
    pens = _stored(ds, "admin_penalties").groupby("_e_party")["decided_at"].apply(list).to_dict()
    return {
        (row.case_no, row.suspect_key)
        for _, row in cand.iterrows()
        if not any(0 <= (d - row.decision_date).days <= 180 for d in pens.get(row._e_suspect, []))
    }


def pi_case_without_civil_pil(ds: Dataset) -> set[str]:
    c = _stored(ds, "criminal_cases")
    row_hit = (
        (c.charge == "personal_info_infringement")
        & c.stage.isin(["prosecution_review", "prosecuted", "judged"])
        & ((c.records_count.fillna(0) >= 5000) | (c.victims_count.fillna(0) >= 10))
    )
    hit_cases = set(c[row_hit.astype(bool)].case_no)
    filed = set(c[_truthy(c.civil_pil_filed)].case_no)
    return hit_cases - filed


def _max_in_window(days: list[pd.Timestamp], n_days: int) -> list[list[int]]:
    """Index sets of events in each window [t, t + n_days] starting at an event."""
    return [[j for j, e in enumerate(days) if t <= e <= t + pd.Timedelta(days=n_days)] for t in days]


def app_pi_violations(ds: Dataset) -> set[str]:
    r = _stored(ds, "app_reports")
    pi_platforms = set(
        _stored(ds, "criminal_cases").query("charge == 'personal_info_infringement'")["_e_platform"].dropna()
    )
    out = set()
    for operator, group in r.groupby("_e_operator"):
        qual = group[group.issue_type.isin(["over_collection", "leakage", "no_consent", "minors_info"])]
        days, regions = list(qual.reported_at), list(qual.region_code)
        if any(len(w) >= 5 and len({regions[j] for j in w}) >= 2 for w in _max_in_window(days, 365)):
            out.add(operator)
        minors = list(group[group.issue_type == "minors_info"].reported_at)
        if any(len(w) >= 2 for w in _max_in_window(minors, 365)):
            out.add(operator)
        if operator in pi_platforms and len(group) >= 1:
            out.add(operator)
    return out


def price_discrimination(ds: Dataset) -> set[tuple[str, str]]:
    o = _stored(ds, "platform_orders").copy()
    age_days = (o.ordered_at - o.user_registered_at) / pd.Timedelta(days=1)
    o["side"] = np.where(age_days >= 365, "est", np.where(age_days < 30, "new", ""))
    o["day"] = o.ordered_at.dt.normalize()
    tested = []
    for key, g in o[o.side != ""].groupby(["platform_uscc", "sku", "city_code", "day"]):
        est, new = g[g.side == "est"].paid_price, g[g.side == "new"].paid_price
        if len(est) >= 20 and len(new) >= 20:
            gap = est.median() / new.median() - 1
            p = mannwhitneyu(est, new, alternative="greater").pvalue
            tested.append((key[0], key[1], gap, p))
    if not tested:
        return set()
    pvals = np.array([t[3] for t in tested])
    order = np.argsort(pvals)
    m = len(pvals)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum.accumulate((pvals[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    return {(t[0], t[1]) for t, q in zip(tested, adjusted, strict=True) if t[2] >= 0.05 and q <= 0.01}


def false_litigation(ds: Dataset) -> set[str]:
    cases = _stored(ds, "court_cases").set_index("case_no")
    parties = _stored(ds, "court_parties")
    plaintiffs = parties[parties.role == "plaintiff"].join(cases, on="case_no")
    out = set()
    lending = plaintiffs[(plaintiffs.case_type == "civil") & (plaintiffs.cause == "private_lending")]
    for entity, g in lending.groupby("_e_party"):
        g = g.sort_values("filed_at")
        quick = (
            g.closing_method.isin(["mediation", "withdrawal"]) & ((g.closed_at - g.filed_at).dt.days <= 30)
        ).tolist()
        for w in _max_in_window(list(g.filed_at), 365):
            if len(w) >= 5 and sum(quick[j] for j in w) / len(w) >= 0.6:
                out.add(entity)
    defendants = parties[parties.role == "defendant"]
    pairs = plaintiffs.merge(defendants, on="case_no", suffixes=("", "_d"))
    shared = ((pairs.phone == pairs.phone_d) & pairs.phone.notna()) | (
        (pairs.address == pairs.address_d) & pairs.address.notna()
    )
    hit = pairs[shared & (pairs.case_type == "civil") & (pairs.closing_method == "mediation")]
    return out | set(hit._e_party)


def vulnerable_victim_support(ds: Dataset) -> set[tuple[str, str]]:
    cases = _stored(ds, "criminal_cases").drop_duplicates("case_no").set_index("case_no")
    v = _stored(ds, "criminal_case_victims").join(cases[["charge", "stage", "decision_date"]], on="case_no")
    v = v.reset_index(drop=True)
    age = _age(ds, v._e_victim, v.decision_date)
    qualifying = (
        v.charge.isin(["telecom_fraud", "personal_info_infringement"])
        & v.stage.isin(["prosecuted", "judged"])
        & v.decision_date.notna()
    )
    vulnerable = (age >= 60) | ((age >= 0) & (age < 18)) | _truthy(v.disability)
    cand = v[(qualifying & vulnerable & (v.loss_amount.fillna(0) >= 10000)).astype(bool)]
    court = _stored(ds, "court_cases").set_index("case_no")
    parties = _stored(ds, "court_parties").join(court, on="case_no")
    civil = parties[(parties.role == "plaintiff") & (parties.case_type == "civil")]
    suits = civil.groupby("_e_party")["filed_at"].apply(list).to_dict()
    return {
        (row.case_no, row.victim_key)
        for _, row in cand.iterrows()
        if not any(d >= row.decision_date for d in suits.get(row._e_victim, []) if pd.notna(d))
    }


def cyberviolence_cluster(ds: Dataset) -> set[str]:
    r = _stored(ds, "police_reports")
    r = r[r.offense_type.isin(["online_defamation", "online_insult"]) & r._e_victim.notna()]
    events = [
        r[["_e_victim", "received_at", "_e_suspect"]].rename(
            columns={"_e_victim": "victim", "received_at": "day", "_e_suspect": "suspect"}
        )
    ]
    court = _stored(ds, "court_cases").set_index("case_no")
    parties = _stored(ds, "court_parties").join(court, on="case_no")
    pp = parties[parties.case_type == "private_prosecution"]
    pairs = pp[pp.role == "plaintiff"].merge(pp[pp.role == "defendant"], on="case_no", suffixes=("", "_d"))
    events.append(
        pairs[["_e_party", "filed_at", "_e_party_d"]].rename(
            columns={"_e_party": "victim", "filed_at": "day", "_e_party_d": "suspect"}
        )
    )
    all_events = pd.concat(events).dropna(subset=["victim", "day"])
    out = set()
    for victim, g in all_events.groupby("victim"):
        days, suspects = list(g.day), list(g.suspect)
        if any(len({suspects[j] for j in w if pd.notna(suspects[j])}) >= 3 for w in _max_in_window(days, 90)):
            out.add(victim)
    rr = r.reset_index(drop=True)
    minors = rr[(_age(ds, rr._e_victim, rr.received_at) < 18) & (_age(ds, rr._e_victim, rr.received_at) >= 0)]
    return out | set(minors._e_victim)
