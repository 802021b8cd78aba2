"""Background court cases and parties (vectorized).

Invariants: every private-lending plaintiff and every private-prosecution
plaintiff brings one case only, and plaintiffs and defendants come from
disjoint pools of people with distinct phones and addresses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procura.synth.population import NULL, Population, assemble, org_columns, person_columns, sample
from procura.synth.world import World, later, pick, scaled

CASE_TYPES = {"civil": 0.86, "criminal": 0.05, "administrative": 0.05, "private_prosecution": 0.04}
CAUSES = {
    "private_lending": 0.35,
    "online_shopping_contract": 0.2,
    "personal_info_dispute": 0.05,
    "privacy_dispute": 0.05,
    "reputation_dispute": 0.05,
    "other": 0.3,
}
CLOSING = {"judgment": 0.5, "mediation": 0.25, "withdrawal": 0.15, "default_judgment": 0.1}
PARTY_FIELDS = {"name": "name", "id_no": "id_no", "phone": "phone", "address": "address"}


def court_cases(world: World, pop: Population) -> None:
    """Cases and their plaintiff, defendant and (sometimes) agent rows."""
    rng, n = world.rng, scaled(world, 1200)
    ctype = pick(world, CASE_TYPES, n)
    cause = np.where(ctype == "civil", pick(world, CAUSES, n), "other")
    cause = np.where(ctype == "private_prosecution", rng.choice(["reputation_dispute", "other"], n), cause)
    filed = world.random_dates(n, hi_days_ago=10)
    closed = later(world, filed, 35, 400)
    closed = closed.where((closed < pd.Timestamp(world.as_of)) & (rng.random(n) < 0.85))
    method = np.where(closed.notna(), pick(world, CLOSING, n), NULL)
    cases = pd.DataFrame(
        {
            "case_no": world.keys("CT-", n),
            "court_code": None,
            "region_code": world.home_counties(n),
            "case_type": ctype,
            "cause": cause,
            "filed_at": filed,
            "closed_at": closed,
            "closing_method": method,
            "claim_amount": np.where(ctype == "civil", np.round(rng.uniform(3000, 600000, n), -2), np.nan),
            "summary": None,
        }
    )
    cases["court_code"] = "FY" + cases.region_code
    cases["summary"] = [f"{t}/{c} 案件" for t, c in zip(ctype, cause, strict=True)]
    world.add_rows("court_cases", cases)

    lending = np.flatnonzero(cause == "private_lending")
    pp = np.flatnonzero(ctype == "private_prosecution")
    rest = np.setdiff1d(np.arange(n), np.concatenate([lending, pp]))
    lenders = pop.pool("lender")
    if len(lending) > len(lenders):
        raise ValueError("lender pool too small for the private-lending cases")
    plaintiffs = assemble(
        n,
        [
            (lending, lenders, False),
            (pp, pop.pool("pp", pd.Timestamp(world.start)), False),
            (rest, pop.pool("general"), True),
        ],
        rng,
    )
    has_plaintiff = ctype != "criminal"
    org_plaintiff = np.isin(np.arange(n), rest) & (ctype == "civil") & (rng.random(n) < 0.3)
    org_defendant = (ctype != "private_prosecution") & (rng.random(n) < 0.25)
    defendants = sample(pop.pool("defendant"), n, rng)
    parts = [
        _parties(
            world,
            cases.case_no,
            "plaintiff",
            plaintiffs,
            sample(pop.companies, n, rng),
            org_plaintiff,
            has_plaintiff,
        ),
        _parties(
            world,
            cases.case_no,
            "defendant",
            defendants,
            sample(pop.companies, n, rng),
            org_defendant,
            np.ones(n, dtype=bool),
        ),
        _parties(
            world,
            cases.case_no,
            "agent",
            sample(pop.pool("general"), n, rng),
            None,
            np.zeros(n, dtype=bool),
            (ctype == "civil") & (rng.random(n) < 0.3),
        ),
    ]
    rows = pd.concat(parts, ignore_index=True)
    rows["party_key"] = "P" + (rows.groupby("case_no").cumcount() + 1).astype(str)
    world.add_rows(
        "court_parties",
        rows[["case_no", "party_key", "role", "name", "id_no", "uscc", "phone", "address", "_e_party"]],
    )


def _parties(
    world: World,
    case_no: pd.Series,
    role: str,
    people: pd.DataFrame,
    orgs: pd.DataFrame | None,
    is_org: np.ndarray,
    present: np.ndarray,
) -> pd.DataFrame:
    rng = world.rng
    p = person_columns(people, PARTY_FIELDS, rng, {"id_no": 0.7, "phone": 0.6, "address": 0.5})
    frame = pd.DataFrame(
        {
            "case_no": case_no,
            "role": role,
            **{k: v for k, v in p.items() if k != "_entity"},
            "uscc": None,
            "_e_party": p["_entity"],
        }
    )
    if orgs is not None:
        o = org_columns(orgs, "name", "uscc", rng, p_uscc=0.9)
        for column in ("name", "uscc"):
            frame[column] = np.where(is_org, o[column], frame[column])
        for column in ("id_no", "phone", "address"):
            frame[column] = np.where(is_org, None, frame[column])
        frame["_e_party"] = np.where(is_org, o["_entity"], frame["_e_party"])
    return frame[present]
